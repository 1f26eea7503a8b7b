from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.errors import PredictionError, TextFileError, UnknownTableError, WorkspaceError
from vigie.predict.store import model_dir
from vigie.schema import SCHEMA_VERSION, TABLES, data_model_markdown, get_table
from vigie.workspace import Workspace

DOCS = Path(__file__).parents[1] / "docs" / "data-model.md"


def test_data_model_docs_are_generated_from_schema() -> None:
    assert DOCS.read_text(encoding="utf-8").strip() == data_model_markdown().strip(), (
        "docs/data-model.md drifted from src/vigie/schema.py: run `make docs`"
    )


def test_init_creates_every_canonical_table_with_its_types(tmp_path: Path) -> None:
    with Workspace.init(tmp_path) as ws:
        for name, table in TABLES.items():
            assert ws.table(name).schema() == table.ibis_schema()
    assert f"schema_version = {SCHEMA_VERSION}" in (tmp_path / "vigie.toml").read_text()


def test_init_twice_keeps_data(tmp_path: Path) -> None:
    with Workspace.init(tmp_path) as ws:
        ws.con.raw_sql("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    with Workspace.init(tmp_path) as ws:
        assert ws.table("accounts").count().execute() == 1


def test_open_without_workspace_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="Run `vigie init`"):
        Workspace.open(tmp_path)


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    config = tmp_path / "vigie.toml"
    current = f"schema_version = {SCHEMA_VERSION}"
    config.write_text(config.read_text().replace(current, "schema_version = 99"))
    with pytest.raises(WorkspaceError, match="newer than this Vigie"):
        Workspace.open(tmp_path)


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(UnknownTableError, match="Canonical tables: accounts"):
        get_table("acounts")


def test_cli_schema_json_and_init(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "tickets", "--json"])
    assert result.exit_code == 0
    assert '"ticket_id"' in result.output
    table = runner.invoke(app, ["schema", "accounts"], terminal_width=200).output
    assert "default USD" in table and "references accounts.account_id" in table
    result = runner.invoke(app, ["init", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "vigie.toml").exists()


def test_cli_user_error_exits_2_without_traceback() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "vigie", "schema", "nope"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Unknown table 'nope'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_prints_brackets_in_error_messages_verbatim(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "vigie", "schema", "[dw]/x"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "'[dw]/x'" in proc.stderr


def test_an_unreachable_backend_writes_no_config_and_no_password(tmp_path: Path) -> None:
    url = "postgres://ann:S3cret@127.0.0.1:9/db"  # port 9 (discard): nothing listens
    with pytest.raises(WorkspaceError) as caught:
        Workspace.init(tmp_path / "ws", url)
    assert "postgres://ann:***@127.0.0.1:9/db" in str(caught.value)
    assert "S3cret" not in str(caught.value)
    assert not (tmp_path / "ws" / "vigie.toml").exists()


def test_a_command_waits_for_another_process_to_let_go_of_the_file(tmp_path: Path) -> None:
    """The web server holds the DuckDB file while it answers a page: a scheduled `vigie score`
    must wait for it, not fail; a page (no wait) says it is busy at once."""
    Workspace.init(tmp_path / "ws").close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(1.5)", str(tmp_path / "ws" / "vigie.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(WorkspaceError, match="in use by another process") as busy:
            Workspace.open(tmp_path / "ws").con  # noqa: B018 (connects)
        assert "lock" in str(busy.value)  # the web answers 503 on it
        started = time.monotonic()
        with Workspace.open(tmp_path / "ws", lock_wait=30) as ws:
            assert "accounts" in ws.con.list_tables()
        assert time.monotonic() - started < 30
    finally:
        holder.wait()


def test_a_settings_file_not_saved_as_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    """An old Windows editor saves `café` in cp1252: every YAML a user writes says so."""
    from vigie.alerts.config import load_alert_config
    from vigie.io.mapping import load_mapping
    from vigie.playbooks.rules import load_playbooks
    from vigie.scorecard.spec import load_scorecard
    from vigie.signals.config import load_config

    path = tmp_path / "mine.yaml"
    path.write_bytes("# ok\nname: café\n".encode("cp1252"))
    loaders = (load_scorecard, load_config, load_playbooks, load_alert_config)
    for load in (*loaders, lambda p: load_mapping(p, get_table("accounts"))):
        with pytest.raises(TextFileError, match=r"mine.yaml: line 2 is not UTF-8 text"):
            load(path)
    proc = subprocess.run(
        [sys.executable, "-m", "vigie", "scorecard", "validate", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "line 2 is not UTF-8" in " ".join(proc.stderr.split())


def test_workspace_files_that_are_not_what_they_should_be(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(WorkspaceError, match="is a file: give a folder"):
        Workspace.init(afile)
    odd = tmp_path / "odd"
    (odd / "vigie.toml").mkdir(parents=True)
    with pytest.raises(WorkspaceError, match=r"no vigie\.toml file"):
        Workspace.open(odd)
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "vigie.toml").write_text("[workspace]\nschema_version = 1\n")
    with pytest.raises(WorkspaceError, match=r"needs a \[workspace\] section .*'backend'"):
        Workspace.open(bare)


def test_a_model_name_is_a_folder_name(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        assert model_dir(ws, "churn-gbm.v2").name == "churn-gbm.v2"
        for name in ("../../escape", "a/b", ".hidden", ""):
            with pytest.raises(PredictionError, match="names a folder"):
                model_dir(ws, name)


@pytest.mark.postgres
def test_init_on_postgres_masks_the_password_and_refuses_a_read_only_role(
    postgres_con, postgres_dir: str, tmp_path: Path
) -> None:
    database = postgres_con.con.info.dbname
    postgres_con.raw_sql("CREATE ROLE reader LOGIN PASSWORD 'S3cret'").close()
    postgres_con.raw_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC").close()
    socket = f"?host={postgres_dir}"
    refused = tmp_path / "refused"
    with pytest.raises(WorkspaceError, match="Cannot create Vigie's tables") as caught:
        Workspace.init(refused, f"postgres://reader:S3cret@/{database}{socket}")
    assert "S3cret" not in str(caught.value) and "GRANT CREATE ON SCHEMA" in str(caught.value)
    assert not refused.exists()  # no config, no empty folder left behind
    result = CliRunner().invoke(
        app,
        [
            "init",
            str(tmp_path / "ok"),
            "--backend",
            f"postgres://postgres:S3cret@/{database}{socket}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "S3cret" not in result.output and "postgres:***@" in " ".join(result.output.split())
