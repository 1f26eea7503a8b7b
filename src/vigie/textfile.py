"""Reading the YAML and TOML files users write (scorecards, mappings, settings)."""

from __future__ import annotations

from pathlib import Path

from vigie.errors import TextFileError


def read_text_file(path: Path | str) -> str:
    """The file's text, read as UTF-8 (a byte-order mark is dropped).

    A file saved in another encoding (Windows-1252 from an old editor: `name: café`) is
    refused with its first line that is not UTF-8, not a traceback."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextFileError(
            f"{path}: line {line} is not UTF-8 text. Save the file as UTF-8 (most editors "
            'offer it under "Save as" or "Encoding") and run the command again.'
        ) from None
