"""The workspace: a folder with `vigie.toml` and the Ibis backend holding the tables.

Every command, web view and Python call receives a `Workspace`. It is the only
module that knows which backend is connected; everything else builds Ibis
expressions on the tables it hands out.
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path
from typing import Self

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from vigie.errors import WorkspaceError
from vigie.schema import SCHEMA_VERSION, TABLES, get_table

CONFIG_FILE = "vigie.toml"
DEFAULT_BACKEND_URL = "duckdb://vigie.duckdb"


class Workspace:
    """A Vigie workspace: configuration plus a connection to its backend."""

    def __init__(
        self,
        root: Path,
        backend_url: str,
        schema_version: int,
        con: BaseBackend | None = None,
    ) -> None:
        self.root = root
        self.backend_url = backend_url
        self.schema_version = schema_version
        # An already-connected backend: tests, notebooks, a shared Spark session.
        if con is not None:
            self.__dict__["con"] = con

    @classmethod
    def init(cls, root: Path | str, backend_url: str | None = None) -> Self:
        """Create (or complete) a workspace in `root`; existing data is kept."""
        root = Path(root).resolve()
        config = root / CONFIG_FILE
        if config.exists():
            workspace = cls.open(root)
            if backend_url is not None and backend_url != workspace.backend_url:
                raise WorkspaceError(
                    f"{config} already uses backend {workspace.backend_url!r}; "
                    f"remove it first to switch to {backend_url!r}."
                )
        else:
            root.mkdir(parents=True, exist_ok=True)
            workspace = cls(root, backend_url or DEFAULT_BACKEND_URL, SCHEMA_VERSION)
            workspace._write_config()
        workspace.create_missing_tables()
        return workspace

    @classmethod
    def from_connection(cls, root: Path | str, con: BaseBackend) -> Self:
        """A workspace on an existing Ibis connection, with any missing tables created."""
        workspace = cls(Path(root).resolve(), f"{con.name}://", SCHEMA_VERSION, con=con)
        workspace.create_missing_tables()
        return workspace

    @classmethod
    def open(cls, root: Path | str) -> Self:
        """Open the workspace in `root`, refusing one this version cannot read."""
        root = Path(root).resolve()
        config = root / CONFIG_FILE
        if not config.exists():
            raise WorkspaceError(
                f"No Vigie workspace in {root} (no {CONFIG_FILE}). "
                "Run `vigie init` there, or pass --workspace DIR."
            )
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
            section = data["workspace"]
            backend_url = str(section["backend"])
            version = int(section["schema_version"])
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise WorkspaceError(f"{config} is not a valid Vigie configuration: {exc}") from None
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{config} has schema version {version}, newer than this Vigie "
                f"({SCHEMA_VERSION}). Upgrade Vigie to open it."
            )
        return cls(root, backend_url, version)

    def _write_config(self) -> None:
        (self.root / CONFIG_FILE).write_text(
            "# Vigie workspace. backend is an Ibis URL: duckdb://FILE (relative to this\n"
            "# folder), postgres://user:password@host:port/database, or pyspark://WAREHOUSE_DIR.\n"
            "[workspace]\n"
            f'backend = "{self.backend_url}"\n'
            f"schema_version = {self.schema_version}\n",
            encoding="utf-8",
        )

    @cached_property
    def con(self) -> BaseBackend:
        """The Ibis backend, connected on first use."""
        scheme, _, rest = self.backend_url.partition("://")
        try:
            if scheme == "duckdb":
                path = Path(rest) if rest else Path("vigie.duckdb")
                if not path.is_absolute():
                    path = self.root / path
                return ibis.duckdb.connect(str(path))
            return ibis.connect(self.backend_url)
        except Exception as exc:  # the backend's own error says why; keep it readable
            raise WorkspaceError(
                f"Cannot connect to backend {self.backend_url!r} of workspace {self.root}: {exc}"
            ) from exc

    @property
    def backend_name(self) -> str:
        return self.con.name

    def create_missing_tables(self) -> None:
        existing = set(self.con.list_tables())
        for table in TABLES.values():
            if table.name not in existing:
                self.con.create_table(table.name, schema=table.ibis_schema())

    def table(self, name: str) -> ir.Table:
        """A canonical table as an Ibis expression."""
        get_table(name)
        return self.con.table(name)

    def close(self) -> None:
        if "con" in self.__dict__:
            self.con.disconnect()
            del self.__dict__["con"]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
