"""Commands being written in this session."""
