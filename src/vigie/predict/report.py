"""A self-contained HTML backtest report: metrics tables and plotly charts, plotly.js inlined.

The page needs no network: plotly.js comes from the plotly Python package and
is embedded once; each chart is a div plus a small script.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape

from vigie.predict.backtest import Backtest
from vigie.predict.tune import Tuning

HEADLINE = (
    ("roc_auc", "ROC AUC", "{:.3f}"),
    ("pr_auc", "PR AUC", "{:.3f}"),
    ("top_decile_lift", "Lift, riskiest 10 %", "{:.2f}"),
    ("top_decile_capture", "{people} caught in riskiest 10 %", "{:.0%}"),
    ("green_churner_rate", "{people} that were in the healthiest band", "{:.0%}"),
    ("brier", "Brier score (lower is better)", "{:.4f}"),
    ("base_rate", "{event} rate (all rows)", "{:.1%}"),
    ("rows", "Account-dates", "{:,}"),
    ("churners", "{event} account-dates", "{:,}"),
)
TARGET_WORDS = {
    "churn": {"people": "Churners", "event": "Churn", "events": "churns", "did": "churned"},
    "downsell": {
        "people": "Downsellers", "event": "Downsell", "events": "downsells", "did": "downsold",
    },
}  # fmt: skip


def worded_headline(target: str) -> list[tuple[str, str, str]]:
    """HEADLINE's (key, label, format) with the labels worded for `target`."""
    return [(key, label.format(**TARGET_WORDS[target]), fmt) for key, label, fmt in HEADLINE]


def plotly_js() -> str:
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8")


def _chart(fig: go.Figure, div_id: str, title: str, x: str, y: str) -> str:
    fig.update_layout(
        title=title,
        xaxis_title=x,
        yaxis_title=y,
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)


def charts(backtests: list[Backtest]) -> tuple[list[str], list[str]]:
    """(ROC, capture (lift), calibration) and (events by band over time, one per backtest) divs."""
    roc = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], name="random", line={"dash": "dot"})])
    capture = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], name="random", line={"dash": "dot"})])
    calibration = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], name="perfect", line={"dash": "dot"})])
    words = TARGET_WORDS[backtests[0].target]
    event = words["event"].lower()
    for b in backtests:
        label = f"{b.kind} {b.name} (AUC {b.roc_auc:.3f})"
        roc.add_trace(go.Scatter(x=b.roc_points["fpr"], y=b.roc_points["tpr"], name=label))
        capture.add_trace(
            go.Scatter(x=b.capture_curve["reviewed"], y=b.capture_curve["captured"], name=label)
        )
        if b.calibration is not None:
            calibration.add_trace(
                go.Scatter(
                    x=b.calibration["predicted"],
                    y=b.calibration["observed"],
                    mode="lines+markers",
                    name=b.name,
                )
            )
    divs = [
        _chart(roc, "chart-roc", "ROC curve", "false positive rate", "true positive rate"),
        _chart(
            capture,
            "chart-lift",
            f"{words['people']} caught when reviewing the riskiest accounts",
            "share of account-dates reviewed (riskiest first)",
            f"share of {words['people'].lower()} caught",
        ),
    ]
    if any(b.calibration is not None for b in backtests):
        divs.append(
            _chart(
                calibration,
                "chart-calibration",
                "Calibration",
                f"predicted {event} probability",
                f"observed {event} rate",
            )
        )
    per_band = []
    for i, b in enumerate(backtests):
        over_time = go.Figure()
        for band, rows in b.by_band_over_time.groupby("band", sort=False):
            over_time.add_trace(
                go.Scatter(
                    x=[str(d) for d in rows["as_of"]],
                    y=rows["churn_rate"],
                    name=str(band),
                    mode="lines+markers",
                    customdata=rows[["accounts", "churners"]],
                    hovertemplate="%{y:.1%} (%{customdata[1]} of %{customdata[0]})",
                )
            )
        per_band.append(
            _chart(
                over_time,
                f"chart-bands-{i}",
                f"{b.name}: {event} rate by band over time",
                "as-of date",
                f"{words['did']} within the horizon",
            )
        )
    return divs, per_band


def _fmt(value: object, pattern: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    return pattern.format(value)


def render(backtests: list[Backtest], tuning: Tuning | None = None, title: str = "") -> str:
    env = Environment(
        loader=PackageLoader("vigie.predict", "templates"), autoescape=select_autoescape()
    )
    headline = [
        {"label": label, "values": [_fmt(getattr(b, key), pattern) for b in backtests]}
        for key, label, pattern in worded_headline(backtests[0].target)
    ]
    summary_charts, band_charts = charts(backtests)
    return env.get_template("report.html.j2").render(
        title=title or "Vigie backtest",
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        backtests=backtests,
        words=TARGET_WORDS[backtests[0].target],
        headline=headline,
        charts=summary_charts,
        band_charts=band_charts,
        tuning=tuning,
        plotly_js=plotly_js(),
        fmt=_fmt,
    )


def write_report(
    path: Path | str, backtests: list[Backtest], tuning: Tuning | None = None, title: str = ""
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(backtests, tuning, title), encoding="utf-8")
    return path
