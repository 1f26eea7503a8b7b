"""The HTML report is one self-contained page: charts present, plotly.js inlined, no CDN."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from vigie.predict.backtest import Backtest, evaluate
from vigie.predict.report import write_report


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.script_srcs: list[str] = []
        self.inline_scripts: list[str] = []
        self.div_ids: set[str] = set()
        self.tables: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._in_script = True
            if found.get("src"):
                self.script_srcs.append(found["src"] or "")
            self.inline_scripts.append("")
        if tag == "div" and found.get("id"):
            self.div_ids.add(found["id"] or "")
        if tag == "table":
            self.tables.add(found.get("id") or found.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts[-1] += data


def _backtests() -> list[Backtest]:
    rng = np.random.default_rng(1)
    n = 400
    label = rng.random(n) < 0.2
    probability = np.clip(0.2 + 0.3 * (label - 0.2) + rng.normal(0, 0.1, n), 0.01, 0.99)
    frame = pd.DataFrame(
        {
            "account_id": [f"A{i % 100}" for i in range(n)],
            "as_of": [dt.date(2025, 1, 6) + dt.timedelta(days=7 * (i // 100)) for i in range(n)],
            "label": label,
            "churn_date": dt.date(2025, 3, 1),
            "probability": probability,
            "risk": probability,
            "band": np.where(probability > 0.25, "high", "low"),
            "points:usage": 100 * (1 - probability),
        }
    )
    model = evaluate(frame, "churn-logistic", "model", ["low", "high"], "high")
    card = evaluate(
        frame.drop(columns="probability"),
        "saas",
        "scorecard",
        ["low", "high"],
        "high",
        ["points:usage"],
    )
    return [model, card]


def test_report_is_self_contained_with_every_chart(tmp_path: Path) -> None:
    path = write_report(tmp_path / "out" / "report.html", _backtests(), title="Demo")
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    assert page.script_srcs == []  # nothing loaded from anywhere, CDN or not
    assert any("Plotly" in s and len(s) > 1_000_000 for s in page.inline_scripts)
    assert {"chart-roc", "chart-lift", "chart-calibration", "chart-bands-0", "chart-bands-1"} <= (
        page.div_ids
    )
    assert {"headline", "bands", "calibration", "univariate"} <= page.tables
    # Every chart is drawn by an inline call on the inlined library.
    assert sum("Plotly.newPlot" in s for s in page.inline_scripts) == 5
