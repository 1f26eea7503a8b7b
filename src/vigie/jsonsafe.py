"""Plain JSON values from pandas and numpy results, for --json output and stored metadata.

`json.dumps` writes a missing float as `NaN`, which strict parsers (JavaScript, jq, Python's
`json.loads(..., parse_constant=...)`) refuse; `null` is what a script expects.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def json_safe(value: Any) -> Any:
    """NaN -> None, numpy scalars -> Python, dates -> ISO text, recursively."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is not None and value.__class__.__name__ == "NaTType":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
