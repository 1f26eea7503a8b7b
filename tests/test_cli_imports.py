"""Every `vigie` command pays the CLI's imports: the modelling libraries stay out of them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "scipy.stats", "lightgbm")


def test_the_cli_starts_without_the_modelling_libraries() -> None:
    code = f"import sys, vigie.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
