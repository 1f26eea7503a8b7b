"""The `ws` fixture (a fresh DuckDB workspace); helpers live in signals_helpers.py."""

from __future__ import annotations

from signals_helpers import ws  # noqa: F401  (re-exported fixture)
