"""The scoring engine: state at a date, scores over a date grid, history, explain, overrides."""
