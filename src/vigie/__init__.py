"""Vigie: customer health scores, signals and churn risk for Customer Success teams."""

from vigie.workspace import Workspace

__all__ = ["Workspace"]
__version__ = "0.1.0"
