"""Opening a schema-version-1 workspace adds the free-text columns and records version 2."""

from __future__ import annotations

from pathlib import Path

from vigie.schema import SCHEMA_VERSION, TABLES
from vigie.workspace import Workspace


def test_version_1_workspace_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    with Workspace.init(tmp_path) as ws:
        con = ws.con.con
        con.execute("ALTER TABLE tickets DROP COLUMN subject")
        con.execute("ALTER TABLE tickets DROP COLUMN description")
        con.execute("ALTER TABLE interactions DROP COLUMN notes")
        con.execute("INSERT INTO accounts (account_id, name) VALUES ('A1', 'Acme')")
    config = tmp_path / "vigie.toml"
    config.write_text(
        config.read_text().replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 1")
    )
    with Workspace.open(tmp_path) as ws:
        assert ws.schema_version == SCHEMA_VERSION == 2
        for name in ("tickets", "interactions"):
            assert ws.table(name).schema() == TABLES[name].ibis_schema()
        assert ws.table("accounts").count().execute() == 1
    assert "schema_version = 2" in config.read_text()


def test_migration_keeps_the_text_setting(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    config = tmp_path / "vigie.toml"
    text = config.read_text().replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 1")
    config.write_text(text + "\n[text]\nkeep = false\n")
    Workspace.open(tmp_path).close()
    reopened = Workspace.open(tmp_path)
    assert (reopened.schema_version, reopened.keep_text) == (2, False)
