"""Band positions come from the scorecard, not from the bands the accounts happen to be in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa

from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.playbooks.worklist import scored_history
from vigie.review import band_colours
from vigie.scorecard.named import SCORECARD_FOLDER
from vigie.workspace import Workspace

D = dt.date(2026, 6, 1)


def _scores(ws: Workspace, scorecard: str, rows: list[tuple[str, float, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["account_id", "score_scaled", "band"])
    frame = frame.assign(
        as_of=D, scorecard=scorecard, scorecard_version="v", score=frame.score_scaled
    )
    schema = SCHEMAS[SNAPSHOTS]
    for column in schema.names:
        if column not in frame:
            frame[column] = None
    if SNAPSHOTS not in ws.con.list_tables():
        ws.con.create_table(SNAPSHOTS, schema=schema)
    arrow = pa.Table.from_pandas(frame[list(schema.names)], schema=schema.to_pyarrow())
    ws.con.insert(SNAPSHOTS, ibis.memtable(arrow))


def _positions(ws: Workspace, scorecard: str) -> dict[str, str]:
    rows, _ = scored_history(ws, D, scorecard)
    return dict(zip(rows["account_id"], rows["band_position"], strict=True))


def test_a_book_without_green_has_no_top_account(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        _scores(
            ws, "saas-standard", [("A", 65.0, "yellow"), ("B", 55.0, "yellow"), ("C", 20.0, "red")]
        )
        assert _positions(ws, "saas-standard") == {"A": "middle", "B": "middle", "C": "lowest"}
        assert band_colours(ws, "saas-standard") == {
            "green": "green",
            "yellow": "yellow",
            "red": "red",
        }


def test_a_scorecard_saved_in_the_workspace_gives_its_order(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        folder = ws.root / SCORECARD_FOLDER
        folder.mkdir()
        card = (Path(__file__).parents[1] / "scoring" / "fixtures" / "kinds.yaml").read_text()
        (folder / "kinds.yaml").write_text(card)  # bands: ok (>= 50), low
        _scores(ws, "kinds", [("A", 20.0, "low"), ("B", 10.0, "low")])
        assert _positions(ws, "kinds") == {"A": "lowest", "B": "lowest"}


def test_an_unknown_scorecard_orders_the_bands_it_has_scores_in(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        rows = [
            ("A", 90.0, "gold"),
            ("B", 60.0, "silver"),
            ("C", 75.0, "silver"),
            ("D", 5.0, "tin"),
        ]
        _scores(ws, "elsewhere", rows)
        assert _positions(ws, "elsewhere") == {
            "A": "top",
            "B": "middle",
            "C": "middle",
            "D": "lowest",
        }
