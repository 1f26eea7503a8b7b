"""`vigie init` and `vigie schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from vigie.cli.app import JsonOption, app, console
from vigie.schema import TABLES, column_rules, data_model_markdown, get_table, schema_as_dict
from vigie.workspace import Workspace, redacted


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    backend: Annotated[
        str | None,
        typer.Option(help="Ibis backend URL (default: duckdb://vigie.duckdb in the folder)."),
    ] = None,
) -> None:
    """Create a workspace: vigie.toml and the canonical tables."""
    workspace = Workspace.init(directory, backend)
    console.print(
        f"Workspace ready in [bold]{workspace.root}[/] "
        f"(backend {redacted(workspace.backend_url)}, schema version {workspace.schema_version})."
    )
    workspace.close()


@app.command()
def schema(
    table: Annotated[str | None, typer.Argument(help="One table (default: all).")] = None,
    as_json: JsonOption = False,
    markdown: Annotated[bool, typer.Option(help="Print docs/data-model.md.")] = False,
) -> None:
    """Print the canonical data model."""
    tables = [get_table(table)] if table else list(TABLES.values())
    if markdown:
        print(data_model_markdown())
        return
    if as_json:
        print(json.dumps([schema_as_dict(t) for t in tables], indent=2))
        return
    for t in tables:
        grid = RichTable(title=f"{t.name} — {t.description}", title_justify="left")
        for heading in ("column", "type", "required", "rules"):
            grid.add_column(heading)
        for c in t.columns:
            key = " (key)" if c.name in t.primary_key else ""
            rules = "; ".join(column_rules(c))
            grid.add_row(c.name + key, c.type.value, "yes" if c.required else "", rules)
        console.print(grid)
