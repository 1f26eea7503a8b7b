"""Where predictions and models live in a workspace.

Kept apart from the modelling code so that pages, worklists and forecasts that only read
stored predictions do not import scikit-learn, LightGBM and SciPy (a second of start-up).
"""

from __future__ import annotations

from pathlib import Path

from vigie.workspace import Workspace

PREDICTIONS = "churn_predictions"
"""The table of stored churn predictions (one row per account, as-of date and model)."""
MODELS_FOLDER = "models"


def model_dir(workspace: Workspace, name: str) -> Path:
    return workspace.root / MODELS_FOLDER / name
