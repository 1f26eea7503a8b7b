"""The workspace: a folder with `vigie.toml` and the Ibis backend holding the tables.

Every command, web view and Python call receives a `Workspace`. It is the only
module that knows which backend is connected; everything else builds Ibis
expressions on the tables it hands out.

Settings in vigie.toml (documented in docs/importing.md and docs/tone.md):
`[workspace] backend`, `[workspace] schema_version`, and `[text] keep`
(false: imports store no free text, only its tone scores, as `--no-text`).
Opening a workspace of an older schema version migrates it: the columns added
since are added (nullable) and vigie.toml is rewritten with the new version.
"""

from __future__ import annotations

import shutil
import time
import tomllib
import urllib.parse
from functools import cached_property
from pathlib import Path
from typing import Self

import duckdb
import ibis
import ibis.expr.types as ir
import sqlglot as sg
from ibis.backends import BaseBackend

from vigie.errors import BackendUnavailableError, WorkspaceError
from vigie.schema import SCHEMA_VERSION, TABLES, get_table
from vigie.textfile import read_text_file

# Ibis merges nested selects while compiling an expression to SQL. On a scorecard that was
# ~40 % of the compile time (saas-standard: 0.45 s -> 0.26 s per run), for no gain: DuckDB,
# Spark and PostgreSQL merge projections in their own planners (DuckDB ran the unmerged query
# in the same time). The SQL stays correct either way; it is only nested deeper.
ibis.options.sql.fuse_selects = False

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
        keep_text: bool = True,
        lock_wait: float = 0.0,
    ) -> None:
        self.root = root
        self.backend_url = backend_url
        self.schema_version = schema_version
        self.keep_text = keep_text
        """`[text] keep`: False stores no free text at import, only its tone scores."""
        self.lock_wait = lock_wait
        """Seconds to wait for another process holding the DuckDB file (see `con`)."""
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
                    f"{config} already uses backend {redacted(workspace.backend_url)!r}; "
                    f"remove it first to switch to {redacted(backend_url)!r}."
                )
        else:
            if root.exists() and not root.is_dir():
                raise WorkspaceError(f"{root} is a file: give a folder for the workspace.")
            created = not root.exists()
            root.mkdir(parents=True, exist_ok=True)
            workspace = cls(root, backend_url or DEFAULT_BACKEND_URL, SCHEMA_VERSION)
            try:  # a backend that cannot be reached or written: no config, no folder left
                workspace.create_missing_tables()
            except Exception as exc:
                workspace.close()
                if created:
                    shutil.rmtree(root, ignore_errors=True)
                if isinstance(exc, WorkspaceError):
                    raise
                raise WorkspaceError(
                    f"Cannot create Vigie's tables on backend {redacted(workspace.backend_url)!r}: "
                    f"{workspace._masked(exc)}. The user needs the right to create tables there "
                    "(PostgreSQL 15: GRANT CREATE ON SCHEMA public, or a database it owns)."
                ) from exc
            workspace._write_config()
            return workspace
        workspace.create_missing_tables()
        return workspace

    @classmethod
    def from_connection(cls, root: Path | str, con: BaseBackend) -> Self:
        """A workspace on an existing Ibis connection, with any missing tables created."""
        workspace = cls(Path(root).resolve(), f"{con.name}://", SCHEMA_VERSION, con=con)
        workspace.create_missing_tables()
        return workspace

    @classmethod
    def open(cls, root: Path | str, lock_wait: float = 0.0) -> Self:
        """Open the workspace in `root`, refusing one this version cannot read."""
        root = Path(root).resolve()
        config = root / CONFIG_FILE
        if not config.is_file():
            raise WorkspaceError(
                f"No Vigie workspace in {root} (no {CONFIG_FILE} file). "
                "Run `vigie init` there, or pass --workspace DIR."
            )
        try:
            data = tomllib.loads(read_text_file(config))
            section = data["workspace"]
            backend_url = str(section["backend"])
            version = int(section["schema_version"])
            keep_text = data.get("text", {}).get("keep", True)
        except KeyError as exc:
            raise WorkspaceError(
                f"{config} is not a valid Vigie configuration: it needs a [workspace] section "
                f"with backend and schema_version ({exc.args[0]!r} is missing)."
            ) from None
        except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
            raise WorkspaceError(f"{config} is not a valid Vigie configuration: {exc}") from None
        if not isinstance(keep_text, bool):
            raise WorkspaceError(f"{config}: [text] keep must be true or false, not {keep_text!r}.")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{config} has schema version {version}, newer than this Vigie "
                f"({SCHEMA_VERSION}). Upgrade Vigie to open it."
            )
        workspace = cls(root, backend_url, version, keep_text=keep_text, lock_wait=lock_wait)
        if version < SCHEMA_VERSION:
            workspace._migrate()
        return workspace

    def _write_config(self) -> None:
        text = (
            ""
            if self.keep_text
            else "\n[text]\n# false: imports keep no free text, only its tone scores.\nkeep = false\n"
        )
        (self.root / CONFIG_FILE).write_text(
            "# Vigie workspace. backend is an Ibis URL: duckdb://FILE (relative to this\n"
            "# folder), postgres://user@host:port/database (the password in PGPASSWORD or\n"
            "# ~/.pgpass; a server on a unix socket: postgres://user@/database?host=/socket/dir),\n"
            "# or pyspark://WAREHOUSE_DIR.\n"
            "[workspace]\n"
            f'backend = "{self.backend_url}"\n'
            f"schema_version = {self.schema_version}\n" + text,
            encoding="utf-8",
        )

    def _migrate(self) -> None:
        """Bring an older workspace to SCHEMA_VERSION: add the (nullable) columns added since."""
        existing = set(self.con.list_tables())
        types = self.con.compiler.type_mapper
        for table in TABLES.values():
            if table.name not in existing:
                continue
            present = set(self.con.table(table.name).columns)
            for column in table.columns:
                if column.name in present:
                    continue
                name = sg.to_identifier(table.name, quoted=True).sql(self.con.dialect)
                col = sg.to_identifier(column.name, quoted=True).sql(self.con.dialect)
                kind = types.to_string(column.type.ibis_type)
                add = (
                    f"ADD COLUMNS ({col} {kind})"
                    if self.con.name == "pyspark"
                    else (f"ADD COLUMN {col} {kind}")
                )
                self.con.raw_sql(f"ALTER TABLE {name} {add}")
        self.create_missing_tables()
        self.schema_version = SCHEMA_VERSION
        self._write_config()

    @cached_property
    def con(self) -> BaseBackend:
        """The Ibis backend, connected on first use."""
        scheme, _, rest = self.backend_url.partition("://")
        try:
            if scheme == "duckdb":
                path = Path(rest) if rest else Path("vigie.duckdb")
                if not path.is_absolute():
                    path = self.root / path
                return self._connect_duckdb(path)
            return ibis.connect(self.backend_url)
        except WorkspaceError:
            raise
        except Exception as exc:  # the backend's own error says why; keep it readable
            raise BackendUnavailableError(
                f"Cannot connect to backend {redacted(self.backend_url)!r} of workspace "
                f"{self.root}: {self._masked(exc)}"
            ) from exc

    def _connect_duckdb(self, path: Path) -> BaseBackend:
        """DuckDB lets one process at a time open a file: wait up to `lock_wait` seconds for
        another one (the web server answering a page, a scheduled run) to let go of it."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return ibis.duckdb.connect(str(path))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    waited = f" (waited {self.lock_wait:g} s)" if self.lock_wait else ""
                    raise WorkspaceError(
                        f"The workspace {self.root} is in use by another process{waited}: "
                        "another vigie command writing it, or `vigie serve` answering a page. "
                        f"Run the command again when it is done. DuckDB says: {exc}"
                    ) from None
                time.sleep(0.25)

    def _masked(self, exc: Exception) -> str:
        """The backend's message, without the URL's password."""
        return str(exc).replace(self._password, "***") if self._password else str(exc)

    @property
    def _password(self) -> str | None:
        return urllib.parse.urlsplit(self.backend_url).password

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


def redacted(url: str) -> str:
    """`url` with its password masked, for messages: `postgres://ann:***@host/db`."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
