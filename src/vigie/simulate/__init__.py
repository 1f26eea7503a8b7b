"""Demo portfolio simulator: a realistic, seeded B2B customer book in canonical tables.

`simulate(...)` draws the book, `write(portfolio, out_dir, format)` writes one
file per canonical table. See docs/simulator.md for the generative model.
"""

from vigie.simulate.portfolio import Portfolio, default_end, simulate
from vigie.simulate.writer import write

__all__ = ["Portfolio", "default_end", "simulate", "write"]
