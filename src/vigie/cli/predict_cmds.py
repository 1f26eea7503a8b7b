"""`vigie train`, `vigie predict`, `vigie backtest`, `vigie scorecard tune`: doors to vigie.predict.

The modelling code is imported inside these commands: scikit-learn, LightGBM and SciPy take a
second to import, which every other `vigie` command would otherwise pay at start-up.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from vigie.cli.app import (
    JsonOption,
    WorkspaceOption,
    app,
    as_of_date,
    console,
    days,
    err_console,
    open_workspace,
    output_file,
    print_records,
    warn_if_data_ends_before,
    warn_if_data_starts_after,
    warn_unknown_events,
)
from vigie.cli.scorecard_cmds import scorecard_app
from vigie.errors import PredictionError
from vigie.jsonsafe import json_safe
from vigie.predict.labels import labelled_dates
from vigie.scorecard.named import in_workspace
from vigie.scorecard.spec import DEFAULT_SCORECARD, load_scorecard
from vigie.workspace import Workspace

if TYPE_CHECKING:
    from vigie.predict.backtest import Backtest
    from vigie.predict.tune import Tuning

FromOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--from",
        formats=["%Y-%m-%d"],
        help="First as-of date (default: 91 days after the first usage event; for "
        "backtest --model, the model's first test date).",
    ),
]
ToOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--to",
        formats=["%Y-%m-%d"],
        help="Last as-of date (default: the last date "
        "whose churn is known: end of data minus the horizon and 30 days of late renewal).",
    ),
]
HorizonOption = Annotated[str, typer.Option("--horizon", help="Churn horizon: Nd or Nw.")]
EveryOption = Annotated[str, typer.Option("--every", help="Step between as-of dates.")]
ScorecardOption = Annotated[
    str,
    typer.Option(
        "--scorecard",
        "-s",
        help="Scorecard name (saved in the workspace, or bundled) or YAML file.",
    ),
]


def _dates(
    ws: Workspace, horizon: int, start: dt.datetime | None, end: dt.datetime | None, every: str
) -> list[dt.date]:
    return labelled_dates(
        ws,
        horizon,
        start.date() if start else None,
        end.date() if end else None,
        days(every, "--every"),
    )


@app.command("train")
def train_cmd(
    workspace: WorkspaceOption = Path("."),
    model: Annotated[str, typer.Option("--model", help="logistic or gbm.")] = "logistic",
    horizon: HorizonOption = "90d",
    start: FromOption = None,
    end: ToOption = None,
    every: EveryOption = "7d",
    scorecard: ScorecardOption = DEFAULT_SCORECARD,
    name: Annotated[
        str | None, typer.Option(help="Model name (default: TARGET-MODEL, e.g. churn-logistic).")
    ] = None,
    target: Annotated[str, typer.Option(help="churn or downsell.")] = "churn",
    as_json: JsonOption = False,
) -> None:
    """Train a calibrated churn model over many as-of dates (time split) and store it."""
    from vigie.predict.train import MODEL_KINDS, train

    if model not in MODEL_KINDS:
        raise PredictionError(f"--model {model!r}: use one of {', '.join(MODEL_KINDS)}.")
    scorecard = in_workspace(scorecard, workspace)
    card = load_scorecard(scorecard)
    h = days(horizon, "--horizon")
    with open_workspace(workspace) as ws:
        warn_unknown_events(scorecard, ws)
        dates = _dates(ws, h, start, end, every)
        with console.status(f"Training {model} on {len(dates)} as-of dates"):
            fitted, tested, baseline = train(ws, card, dates, model, h, name, target)
    if as_json:
        console.print_json(json.dumps(fitted.metadata))
        return
    meta = fitted.metadata
    console.print(
        f"Model [bold]{fitted.name}[/] stored in {workspace / 'models' / fitted.name}: "
        f"{len(meta['features'])} features; train {meta['dates']['train'][0]} to "
        f"{meta['dates']['train'][1]}, calibration {meta['dates']['calibration'][0]} to "
        f"{meta['dates']['calibration'][1]}, test {meta['dates']['test'][0]} to "
        f"{meta['dates']['test'][1]}."
    )
    console.print(_headline_table([tested, baseline], "Held-out test dates"))


@app.command("predict")
def predict_cmd(
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Date to predict at (default: today)."),
    ] = None,
    workspace: WorkspaceOption = Path("."),
    model: Annotated[str, typer.Option("--model", help="Model name.")] = "churn-logistic",
    top: Annotated[int, typer.Option(min=1, max=10_000_000, help="Rows to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Write each active account's churn (or downsell) probability and top drivers to
    churn_predictions (downsell_predictions)."""
    from vigie.predict.predict import predict
    from vigie.predict.train import load_model

    day = as_of_date(as_of)
    with open_workspace(workspace) as ws:
        warn_if_data_ends_before(ws, day)
        early = warn_if_data_starts_after(ws, day)
        fitted = load_model(ws, model)
        if not early:  # no model could be trained on outcomes known by then
            _warn_if_the_model_knows_the_outcome(fitted.metadata, day)
        frame = predict(ws, fitted, day)
    if as_json:
        print_records(frame)
        return
    table = Table(title=f"{model}: riskiest accounts as of {day} ({len(frame)} scored)")
    for heading in (
        "account",
        f"{fitted.target} probability",
        "risk",
        "score",
        "band",
        "top drivers",
    ):
        table.add_column(heading)
    for row in frame.head(top).itertuples():
        drivers = ", ".join(d for d in (row.driver_1, row.driver_2, row.driver_3) if d)
        table.add_row(
            row.account_id,
            f"{row.probability:.1%}",
            row.risk_band,
            f"{row.score:.1f}" if row.score == row.score else "",
            str(row.band),
            drivers,
        )
    console.print(table)


@app.command("backtest")
def backtest_cmd(
    workspace: WorkspaceOption = Path("."),
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", "-s", help="Scorecard to backtest.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Stored model to backtest.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    every: EveryOption = "7d",
    horizon: HorizonOption = "90d",
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report.")] = None,
    weights: Annotated[
        bool, typer.Option(help="Fit better weights for the scorecard (held-out check).")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """How well a scorecard or a model predicted churn: AUC, lift, bands, calibration, lead time."""
    output_file(html)
    from vigie.predict.predict import backtest_model, backtest_scorecard
    from vigie.predict.report import write_report
    from vigie.predict.train import load_model

    h = days(horizon, "--horizon")
    results: list[Backtest] = []
    tuning: Tuning | None = None
    with open_workspace(workspace) as ws, console.status("Backtesting"):
        if model is not None:
            first = start
            if first is None:  # default: the model's held-out test dates onwards
                test_start = load_model(ws, model).metadata["dates"]["test"][0]
                first = dt.datetime.fromisoformat(test_start)
            results += backtest_model(ws, model, _dates(ws, h, first, end, every))
        if scorecard is not None or model is None:
            ref = in_workspace(scorecard or DEFAULT_SCORECARD, workspace)
            warn_unknown_events(ref, ws)
            dates = _dates(ws, h, start, end, every)
            card_result, tuning = backtest_scorecard(ws, ref, dates, h, weights)
            seen = {(r.name, r.extra.get("scorecard_version")) for r in results}
            if (card_result.name, card_result.extra["scorecard_version"]) not in seen:
                results.append(card_result)  # else the model's own scorecard, already shown
    if html is not None:
        write_report(html, results, tuning)
    if as_json:
        payload: dict[str, Any] = {"backtests": [r.summary() for r in results]}
        if tuning is not None:
            payload["tuning"] = json_safe(
                {
                    "sentence": tuning.sentence,
                    "auc_current": tuning.current.roc_auc,
                    "auc_fitted": tuning.fitted.roc_auc,
                    "weights": tuning.weights.to_dict(orient="records"),
                }
            )
        console.print_json(json.dumps(payload))
        return
    for r in results:
        for note in ("warning", "no_weights"):
            if note in r.extra:
                console.print(f"[yellow]{r.name}: {r.extra[note]}[/]")
    console.print(_headline_table(results, f"Backtest, horizon {h} days"))
    for r in results:
        console.print(_bands_table(r))
    if tuning is not None:
        console.print(tuning.sentence)
    if html is not None:
        console.print(f"Report written to [bold]{html}[/]")


@scorecard_app.command("tune")
def tune_cmd(
    ref: Annotated[str, typer.Argument(help="A scorecard YAML file or a bundled template name.")],
    write: Annotated[Path, typer.Option("--write", help="Where to write the new YAML.")],
    workspace: WorkspaceOption = Path("."),
    start: FromOption = None,
    end: ToOption = None,
    every: EveryOption = "7d",
    horizon: HorizonOption = "90d",
) -> None:
    """Fit non-negative weights to past churn and write the re-weighted scorecard."""
    from vigie.predict.tune import tune

    output_file(write)
    h = days(horizon, "--horizon")
    with open_workspace(workspace) as ws, console.status("Fitting weights"):
        tuning = tune(ws, ref, _dates(ws, h, start, end, every), h)
    write.write_text(tuning.yaml_text, encoding="utf-8")
    table = Table(title="Share of the score per measure")
    for heading in ("dimension", "measure", "current", "fitted"):
        table.add_column(heading)
    for row in tuning.weights.itertuples():
        table.add_row(row.dimension, row.measure, f"{row.current:.1%}", f"{row.fitted:.1%}")
    console.print(table)
    console.print(tuning.sentence)
    console.print(f"Re-weighted scorecard written to [bold]{write}[/]")


def _warn_if_the_model_knows_the_outcome(metadata: dict[str, Any], day: dt.date) -> None:
    """A model fitted on outcomes observed after D has seen what happened after D: its
    predictions as of D (stored, and read by the forecast and worklist) are hindsight."""
    fitted_until = dt.date.fromisoformat(metadata["dates"]["calibration"][1])
    seen_until = fitted_until + dt.timedelta(days=int(metadata["horizon_days"]))
    if day < seen_until:
        err_console.print(
            f"[yellow]Warning:[/] {metadata['name']} learned from outcomes up to {seen_until} "
            f"(its last calibration date {fitted_until} + {metadata['horizon_days']} days): "
            f"predictions as of {day} use hindsight. Train with --to before {day} for "
            "an honest past prediction.",
            highlight=False,
        )


def _headline_table(results: list[Backtest], title: str) -> Table:
    from vigie.predict.report import worded_headline

    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    for r in results:
        table.add_column(f"{r.kind} {r.name}", justify="right")
    for key, label, pattern in worded_headline(results[0].target):
        values = [getattr(r, key) for r in results]
        table.add_row(label, *("n/a" if v is None or v != v else pattern.format(v) for v in values))
    return table


def _bands_table(result: Backtest) -> Table:
    from vigie.predict.report import TARGET_WORDS

    lead, words = result.lead_time, TARGET_WORDS[result.target]
    warned = (
        f"{lead['warned_share']:.0%} of {lead['churn_events']:.0f} {words['events']} warned, "
        f"median {lead['median_days']:.0f} days ahead"
        if lead["churn_events"]
        else f"no {words['event'].lower()} to warn of"
    )
    table = Table(
        title=f"{result.name}: {words['event'].lower()} per band; {warned}", title_justify="left"
    )
    for heading in ("band", "account-dates", words["did"], "rate", "95 % interval"):
        table.add_column(heading, justify="left" if heading == "band" else "right")
    for row in result.bands.itertuples():
        table.add_row(
            str(row.band),
            f"{row.accounts:,}",
            f"{row.churners:,}",
            f"{row.churn_rate:.1%}" if row.churn_rate == row.churn_rate else "n/a",
            f"{row.ci_low:.1%} to {row.ci_high:.1%}" if row.ci_low == row.ci_low else "",
        )
    return table
