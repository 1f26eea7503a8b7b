"""The scorecard behind a name found in stored scores, and the place of each of its bands.

Stored scores keep the scorecard's name, not its YAML. The definition is the file of that
name in the workspace's `scorecards/` folder (where the web UI saves scorecards), else the
bundled template of that name. Pages, the worklist and the review queue read band order
from it: "top band" means the first band of the scorecard, whether or not any account is
in it today.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from vigie.errors import ScorecardError
from vigie.scorecard.spec import Scorecard, bundled_templates, load_scorecard

SCORECARD_FOLDER = "scorecards"


def scorecard_spec(root: Path, name: str) -> Scorecard | None:
    """The spec of scorecard `name` for the workspace at `root`, or None if unknown."""
    path = root / SCORECARD_FOLDER / f"{name}.yaml"
    if path.is_file():
        return _load(str(path), path.stat().st_mtime_ns)
    if name in bundled_templates():
        return _load(name, 0)
    return None


def in_workspace(ref: str, root: Path) -> str:
    """The file of a scorecard NAME saved in the workspace (by the web UI), else `ref` as it is
    (a bundled template name, a path): `--scorecard my-card` finds what the web saved, as the
    pages do, and before a bundled template of the same name."""
    path = root / SCORECARD_FOLDER / f"{ref}.yaml"
    plain = "\n" not in ref and "/" not in ref and "\\" not in ref
    return str(path) if plain and path.is_file() else ref


@lru_cache(maxsize=32)
def _load(ref: str, _mtime: int) -> Scorecard | None:
    try:
        return load_scorecard(Path(ref) if ref.endswith(".yaml") else ref)
    except ScorecardError:
        return None


def positions(names: list[str]) -> dict[str, str]:
    """Bands listed best first -> top (the first), lowest (the last) or middle."""
    last = len(names) - 1
    return {
        n: "top" if i == 0 else "lowest" if i == last else "middle" for i, n in enumerate(names)
    }


def band_positions(card: Scorecard) -> dict[str, str]:
    """Every band name of `card` and its segments -> its position (the base bands' first)."""
    found: dict[str, str] = {}
    for bands in [card.bands, *[s.bands for s in card.segments if s.bands]]:
        for name, position in positions([b.name for b in bands]).items():
            found.setdefault(name, position)
    return found
