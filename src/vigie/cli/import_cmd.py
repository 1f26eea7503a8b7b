"""`vigie import`: load CSV, Parquet, XLSX or JSON lines files into a canonical table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from vigie.cli.app import JsonOption, WorkspaceOption, app, console, open_workspace
from vigie.errors import ImportValidationError, VigieError
from vigie.io import ImportMode, ImportReport, import_files
from vigie.io.sources import ENCODING_EXAMPLES


@app.command("import")
def import_(
    table: Annotated[str, typer.Argument(help="Canonical table, e.g. accounts or usage_events.")],
    files: Annotated[
        list[Path], typer.Argument(help="CSV, Parquet, XLSX or JSON lines (.jsonl/.ndjson) files.")
    ],
    mode: Annotated[
        ImportMode,
        typer.Option(
            help="append rows, replace the table, upsert by primary key, or replace-period: "
            "replace the stored rows dated from the files' earliest to their latest moment "
            "(usage_events)."
        ),
    ] = ImportMode.APPEND,
    mapping: Annotated[
        Path | None,
        typer.Option("--map", help="YAML file mapping the files' columns to canonical ones."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    date_format: Annotated[
        str | None,
        typer.Option(help="strptime format of dates and timestamps, e.g. '%d/%m/%Y'."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="Time zone of timestamps written without an offset, e.g. Europe/Paris "
            "(default: UTC)."
        ),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="CSV delimiter (default: guessed from the header).")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help=f"CSV text encoding, e.g. {ENCODING_EXAMPLES} (default: UTF-8; a file that "
            "is not UTF-8 is read as Windows-1252, with a warning)."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="XLSX sheet to read (default: the first).")
    ] = None,
    skip_unknown_accounts: Annotated[
        bool,
        typer.Option(
            "--skip-unknown-accounts",
            help="Leave out, with a warning, the rows whose account_id is not in accounts "
            "(trial or internal accounts of a usage export) instead of refusing the import.",
        ),
    ] = False,
    no_text: Annotated[
        bool,
        typer.Option(
            "--no-text",
            help="Store no free text (notes, comments, ticket text): only its tone, language "
            "and churn-intent flags. Default: the workspace's [text] keep setting.",
        ),
    ] = False,
    as_json: JsonOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Validate files against the canonical schema, then write them in one transaction.

    Every problem is listed with file, line, column and value; if there is any,
    nothing is written and the exit code is 2.
    """
    ws = open_workspace(workspace)
    try:
        report = import_files(
            ws,
            table,
            files,
            mode=mode,
            mapping=mapping,
            date_format=date_format,
            timezone=timezone,
            delimiter=delimiter,
            encoding=encoding,
            sheet=sheet,
            dry_run=dry_run,
            skip_unknown_accounts=skip_unknown_accounts,
            keep_text=False if no_text else None,
        )
    except ImportValidationError as exc:
        if not as_json:
            raise
        problems = [vars(p) for p in exc.problems]
        print(json.dumps({"table": exc.table, "total": exc.total, "problems": problems}, indent=2))
        raise typer.Exit(exc.exit_code) from None
    except VigieError as exc:  # a bad mapping or option: scripts still get JSON
        if not as_json:
            raise
        print(json.dumps({"table": table, "error": str(exc)}, indent=2))
        raise typer.Exit(exc.exit_code) from None
    finally:
        ws.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        _print_summary(report)


def _print_summary(report: ImportReport) -> None:
    title = f"{'Dry run: nothing written to' if report.dry_run else 'Imported into'} {report.table}"
    console.print(f"[bold]{title}[/]")
    grid = RichTable(show_header=False)
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_row("mode", report.mode.value)
    grid.add_row("rows read", f"{report.rows_read:,}")
    if report.skipped:
        grid.add_row("skipped (mapping's where)", f"{report.skipped:,}")
    if report.skipped_unknown:
        grid.add_row("skipped (unknown account)", f"{report.skipped_unknown:,}")
    grid.add_row("inserted", f"{report.inserted:,}")
    if report.mode == ImportMode.UPSERT:
        grid.add_row("updated", f"{report.updated:,}")
    if report.mode in (ImportMode.REPLACE, ImportMode.REPLACE_PERIOD):
        grid.add_row("replaced (removed)", f"{report.deleted:,}")
    grid.add_row("time", f"{report.seconds:.2f} s")
    console.print(grid)
    for file, columns in report.attribute_columns.items():
        console.print(f"Kept in attributes from {file}: {', '.join(columns)}", highlight=False)
    for file, columns in report.ignored_columns.items():
        console.print(f"Ignored columns of {file}: {', '.join(columns)}", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {escape(warning)}", highlight=False)
