"""`vigie tone rescore`: score the stored texts again with the workspace's active scorer.

Run after `vigie tone train` or a change to the intent phrases. The text is
read back from the source tables; a `texts` row whose source keeps no text
(imported with `--no-text`) cannot be re-read and keeps its scores.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from vigie.tone.rows import SOURCES, raw_texts, text_rows
from vigie.tone.scoring import ToneScorer
from vigie.tone.store import TEXTS_SCHEMA, TEXTS_TABLE, ensure_texts_table
from vigie.workspace import Workspace

SCORE_COLUMNS = ("language", "tone", "scorer", "intents", "intent_phrases")


def rescore(workspace: Workspace) -> int:
    """Re-score every stored text that still has its source text; return how many."""
    ensure_texts_table(workspace)
    scorer = ToneScorer.for_workspace(workspace.root)
    with duckdb.connect() as con:
        fresh = []
        for table in SOURCES:
            con.register(table, workspace.table(table).to_pyarrow())
            fresh.append(text_rows(raw_texts(con, table, table), scorer, keep_text=True))
        con.register("fresh", pa.concat_tables(fresh))
        con.register("stored", workspace.con.table(TEXTS_TABLE).to_pyarrow())
        changed = con.execute("SELECT count(*) FROM stored JOIN fresh USING (text_id)").fetchone()
        columns = ", ".join(
            f"CASE WHEN f.text_id IS NULL THEN s.{c} ELSE f.{c} END AS {c}"
            if c in SCORE_COLUMNS
            else f"s.{c}"
            for c in TEXTS_SCHEMA.names
        )
        data = (
            con.execute(f"SELECT {columns} FROM stored s LEFT JOIN fresh f USING (text_id)")
            .to_arrow_table()
            .cast(TEXTS_SCHEMA.to_pyarrow())
        )
    _replace_texts(workspace, data)
    return int(changed[0]) if changed else 0


def _replace_texts(workspace: Workspace, data: pa.Table) -> None:
    """The whole `texts` table at once: in one transaction on DuckDB and PostgreSQL."""
    if workspace.backend_name == "duckdb":
        con = workspace.con.con
        con.register("__vigie_rescored", data)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM {TEXTS_TABLE}")
            columns = ", ".join(TEXTS_SCHEMA.names)
            con.execute(
                f"INSERT INTO {TEXTS_TABLE} ({columns}) SELECT {columns} FROM __vigie_rescored"
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("__vigie_rescored")
    elif workspace.backend_name == "postgres":
        with workspace.con.con.transaction():
            workspace.con.insert(TEXTS_TABLE, data, overwrite=True)
    else:
        workspace.con.insert(TEXTS_TABLE, data, overwrite=True)
