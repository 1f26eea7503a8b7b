"""Commands being written in this session (owner noted in the issue)."""
