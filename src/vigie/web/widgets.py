"""Small HTML pieces drawn for every row of a table: sparklines and colour dots.

Python, not Jinja macros: a page of 50 accounts draws 50 sparklines and 300
dots, and a macro call with its loops costs about ten times a Python call.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def sparkline(values: list[float | None], width: int = 80, height: int = 20) -> Markup:
    """An SVG polyline of the values (nulls skipped), scaled to the box; empty below 2 points."""
    points = [v for v in values if v is not None]
    if len(points) < 2:
        return Markup("")
    low, high = min(points), max(points)
    span = (high - low) or 1
    step = (width - 2) / (len(points) - 1)
    xy = " ".join(
        f"{i * step + 1:.1f},{height - 2 - (v - low) * (height - 4) / span:.1f}"
        for i, v in enumerate(points)
    )
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true"><polyline fill="none" stroke="#455a64" stroke-width="1.5" '
        f'points="{xy}"/></svg>'
    )


def dimension_cells(cells: dict[str, Any], names: list[str]) -> Markup:
    """One table cell per dimension: a dot in the band's colour, its band and score as tooltip.

    `cells` maps a dimension to an object with `colour`, `band` and `score` (a missing
    dimension gives an empty cell).
    """
    parts = []
    for name in names:
        cell = cells.get(name)
        if cell is None:
            parts.append('<td class="dim"></td>')
            continue
        score = "" if cell.score is None else round(cell.score)
        title = escape(f"{cell.band or ''} {score}".strip())
        parts.append(  # the band in words too, for readers who cannot tell the colours apart
            f'<td class="dim"><span class="dot" style="background: {escape(cell.colour)}" '
            f'title="{title}" role="img" aria-label="{escape(name)}: {title}"></span></td>'
        )
    return Markup("".join(parts))
