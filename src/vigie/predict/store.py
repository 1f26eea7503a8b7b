"""Where predictions and models live in a workspace.

Kept apart from the modelling code so that pages, worklists and forecasts that only read
stored predictions do not import scikit-learn, LightGBM and SciPy (a second of start-up).
"""

from __future__ import annotations

from pathlib import Path

from vigie.workspace import Workspace


def predictions_table(target: str) -> str:
    """The table of a target's stored predictions (one row per account, as-of date and model):
    a downsell model never feeds the churn risk that worklists, forecasts and pages read."""
    return f"{target}_predictions"


PREDICTIONS = predictions_table("churn")
MODELS_FOLDER = "models"


def model_dir(workspace: Workspace, name: str) -> Path:
    return workspace.root / MODELS_FOLDER / name
