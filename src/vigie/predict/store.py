"""Where predictions and models live in a workspace.

Kept apart from the modelling code so that pages, worklists and forecasts that only read
stored predictions do not import scikit-learn, LightGBM and SciPy (a second of start-up).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from vigie.errors import PredictionError
from vigie.workspace import Workspace


def predictions_table(target: str) -> str:
    """The table of a target's stored predictions (one row per account, as-of date and model):
    a downsell model never feeds the churn risk that worklists, forecasts and pages read."""
    return f"{target}_predictions"


PREDICTIONS = predictions_table("churn")
MODELS_FOLDER = "models"


def latest_prediction_date(workspace: Workspace) -> dt.date | None:
    """The date of the latest stored churn predictions (never after today: see `vigie
    predict`); None before any."""
    if PREDICTIONS not in workspace.con.list_tables():
        return None
    return workspace.con.table(PREDICTIONS).as_of.max().to_pyarrow().as_py()


MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""A model's name is its folder under models/: no path separators, no `..`."""


def model_dir(workspace: Workspace, name: str) -> Path:
    if not MODEL_NAME.fullmatch(name) or ".." in name:
        raise PredictionError(
            f"Model name {name!r}: use letters, digits, '-', '_' and '.' (it names a folder)."
        )
    return workspace.root / MODELS_FOLDER / name
