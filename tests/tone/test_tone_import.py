"""Import writes scored `texts` rows with the source rows, atomically, in every mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tone_helpers import NOW, texts, write_csv
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import ImportValidationError
from vigie.io import ImportMode, import_files
from vigie.workspace import Workspace

TICKET_HEADER = ("ticket_id", "account_id", "opened_at", "subject", "description")


def _tickets(path: Path, *rows: tuple[str, ...]) -> Path:
    return write_csv(path, [TICKET_HEADER, *rows])


def test_import_scores_each_text_row_with_its_keys(ws: Workspace, tmp_path: Path) -> None:
    interactions = write_csv(
        tmp_path / "interactions.csv",
        [
            (
                "interaction_id",
                "account_id",
                "kind",
                "occurred_at",
                "direction",
                "contact_id",
                "notes",
            ),
            ("I1", "A1", "email", "2025-03-01 10:00", "inbound", "C1", "We are not happy at all."),
            ("I2", "A1", "call", "2025-03-02 10:00", "outbound", "C1", ""),
            ("I3", "A2", "email", "2025-03-03 10:00", "inbound", "", "Nous allons résilier."),
        ],
    )
    tickets = _tickets(
        tmp_path / "t.csv", ("T1", "A1", "2025-03-05", "Export broken", "Very frustrating")
    )
    sentiments = write_csv(
        tmp_path / "s.csv",
        [
            ("account_id", "author", "rated_at", "rating", "comment"),
            ("A1", "marie", "2025-03-06 09:30:00", "red", "Budget cut announced"),
        ],
    )
    import_files(ws, "interactions", [interactions], now=NOW)
    import_files(ws, "tickets", [tickets], now=NOW)
    import_files(ws, "sentiments", [sentiments], now=NOW)
    columns = "text_id, account_id, source, source_id, contact_id, direction, written_at, language"
    assert texts(ws, columns) == [
        (
            "interaction:I1",
            "A1",
            "interaction",
            "I1",
            "C1",
            "inbound",
            dt.datetime(2025, 3, 1, 10),
            "en",
        ),
        (
            "interaction:I3",
            "A2",
            "interaction",
            "I3",
            None,
            "inbound",
            dt.datetime(2025, 3, 3, 10),
            "fr",
        ),
        (
            "sentiment:marie|2025-03-06T09:30:00",
            "A1",
            "sentiment",
            "marie|2025-03-06T09:30:00",
            None,
            "internal",
            dt.datetime(2025, 3, 6, 9, 30),
            "en",
        ),
        ("ticket:T1", "A1", "ticket", "T1", None, "inbound", dt.datetime(2025, 3, 5), "en"),
    ]
    by_id = {
        row[0]: row for row in texts(ws, "text_id, tone, scorer, intents, intent_phrases, excerpt")
    }
    assert by_id["interaction:I1"][1] < -0.05 and by_id["interaction:I1"][2] == "default"
    assert by_id["interaction:I3"][3:5] == (["cancel"], ["résilier"])
    assert by_id["ticket:T1"][5] == "Export broken. Very frustrating"
    assert by_id["sentiment:marie|2025-03-06T09:30:00"][3] == ["budget"]


def test_failed_validation_writes_no_text(ws: Workspace, tmp_path: Path) -> None:
    bad = _tickets(
        tmp_path / "t.csv",
        ("T1", "A1", "2025-03-05", "We will cancel", ""),
        ("T2", "NOPE", "2025-03-05", "Unknown account", ""),
    )
    with pytest.raises(ImportValidationError):
        import_files(ws, "tickets", [bad], now=NOW)
    assert texts(ws) == []


def test_dry_run_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    file = _tickets(tmp_path / "t.csv", ("T1", "A1", "2025-03-05", "We will cancel", ""))
    import_files(ws, "tickets", [file], dry_run=True, now=NOW)
    assert "texts" not in ws.con.list_tables()


def test_upsert_and_replace_keep_texts_in_step_with_source_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    first = _tickets(
        tmp_path / "a.csv",
        ("T1", "A1", "2025-03-05", "Great support", ""),
        ("T2", "A1", "2025-03-06", "Price too high", ""),
        ("T3", "A2", "2025-03-07", "Login fails", ""),
    )
    import_files(ws, "tickets", [first], now=NOW)
    upsert = _tickets(
        tmp_path / "b.csv",
        ("T1", "A1", "2025-03-05", "We will cancel", ""),
        ("T2", "A1", "2025-03-06", "", ""),  # text removed: its texts row goes too
        ("T4", "A2", "2025-03-08", "Thanks", ""),
    )
    import_files(ws, "tickets", [upsert], mode=ImportMode.UPSERT, now=NOW)
    assert [(i, e) for i, _, _, e in texts(ws)] == [
        ("ticket:T1", "We will cancel"),
        ("ticket:T3", "Login fails"),
        ("ticket:T4", "Thanks"),
    ]
    closing = write_csv(  # a status update without the text columns: texts stay as they are
        tmp_path / "closed.csv",
        [
            ("ticket_id", "account_id", "opened_at", "closed_at"),
            ("T3", "A2", "2025-03-07", "2025-03-10"),
        ],
    )
    import_files(ws, "tickets", [closing], mode=ImportMode.UPSERT, now=NOW)
    assert [i for i, _, _, _ in texts(ws)] == ["ticket:T1", "ticket:T3", "ticket:T4"]
    stored = ws.con.con.execute(
        "SELECT subject, closed_at::DATE::VARCHAR FROM tickets WHERE ticket_id = 'T3'"
    )
    assert stored.fetchall() == [("Login fails", "2025-03-10")]
    replace = _tickets(tmp_path / "c.csv", ("T9", "A2", "2025-03-09", "Competitor is cheaper", ""))
    import_files(ws, "tickets", [replace], mode=ImportMode.REPLACE, now=NOW)
    assert [(i, k) for i, _, k, _ in texts(ws)] == [("ticket:T9", ["competitor"])]


def test_no_text_stores_scores_but_no_text_anywhere(ws: Workspace, tmp_path: Path) -> None:
    secret = "Zanzibar budget cut makes us unhappy"
    file = _tickets(tmp_path / "t.csv", ("T1", "A1", "2025-03-05", secret, "Quixotic remark"))
    import_files(ws, "tickets", [file], keep_text=False, now=NOW)
    assert texts(ws, "text_id, intents, excerpt") == [("ticket:T1", ["budget"], None)]
    assert texts(ws, "tone")[0][0] < 0
    con = ws.con.con
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR%'"
    ).fetchall()
    found = [
        (table, column)
        for table, column in columns
        if con.execute(
            f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS VARCHAR) ILIKE ? '
            f'OR CAST("{column}" AS VARCHAR) ILIKE ?',
            ["%zanzibar%", "%quixotic%"],
        ).fetchone()[0]
    ]
    assert found == []


def test_workspace_setting_drops_text(tmp_path: Path) -> None:
    root = tmp_path / "w"
    Workspace.init(root).close()
    config = root / "vigie.toml"
    config.write_text(config.read_text() + "\n[text]\nkeep = false\n")
    with Workspace.open(root) as ws:
        assert ws.keep_text is False
        accounts = write_csv(tmp_path / "a.csv", [("account_id", "name"), ("A1", "Acme")])
        import_files(ws, "accounts", [accounts], now=NOW)
        file = _tickets(tmp_path / "t.csv", ("T1", "A1", "2025-03-05", "Price too high", ""))
        import_files(ws, "tickets", [file], now=NOW)
        assert ws.con.con.execute("SELECT subject FROM tickets").fetchall() == [(None,)]
        assert texts(ws, "intents, excerpt") == [(["price"], None)]


def test_cli_import_no_text(ws: Workspace, tmp_path: Path) -> None:
    file = _tickets(tmp_path / "t.csv", ("T1", "A1", "2025-03-05", "Too expensive", "Sigh"))
    ws.close()  # the CLI opens the workspace itself
    result = CliRunner().invoke(
        app, ["import", "tickets", str(file), "--no-text", "-w", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    with Workspace.open(ws.root) as reopened:
        assert reopened.con.con.execute("SELECT subject, description FROM tickets").fetchall() == [
            (None, None)
        ]
        assert texts(reopened, "intents, excerpt") == [(["price"], None)]
