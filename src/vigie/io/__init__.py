"""Reading, validating and writing imported files into canonical tables."""

from vigie.io.importer import ImportMode, ImportReport, import_files

__all__ = ["ImportMode", "ImportReport", "import_files"]
