"""Web users, API tokens, the audit log and web imports, in `web.sqlite` inside the workspace folder.

Why SQLite and not the workspace backend: a login must work while a CLI
scoring run holds DuckDB's single-writer lock, and SQLite lets several
processes (the server, `vigie users`) read and write these small tables
safely. Passwords are argon2 hashes; API tokens are random 256-bit strings
stored as SHA-256 digests (a high-entropy secret needs no slow hash, and the
digest lets a request find its token in one indexed lookup).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vigie.errors import WebUserError

STORE_FILE = "web.sqlite"
ROLES = ("admin", "csm", "viewer")
LANGUAGES = ("en", "fr")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# Verifying against this keeps an unknown user's login as slow as a known one's.
_DUMMY_HASH = _HASHER.hash("not a real password")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    csm TEXT, language TEXT NOT NULL DEFAULT 'en', created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users ON DELETE CASCADE,
    label TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at TEXT NOT NULL);
"""
SESSION_HOURS = 8
"""A browser session lasts this long (the cookie's max age), unless its user logs out first."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    csm: str | None
    """The `accounts.csm` value of this user's book (a CSM may edit only those accounts)."""
    language: str

    def can_edit_account(self, account_csm: str | None) -> bool:
        return self.role == "admin" or (
            self.role == "csm" and self.csm is not None and self.csm == account_csm
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _session_start_limit() -> str:
    """Sessions opened before this have expired (same format as `_now`, so text compares)."""
    limit = dt.datetime.now(dt.UTC) - dt.timedelta(hours=SESSION_HOURS)
    return limit.replace(microsecond=0).isoformat()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    """The web's own tables; every call opens a short SQLite connection (safe across threads)."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / STORE_FILE
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=10)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise WebUserError(f"Cannot open the web users file {self.path}: {exc}.") from None
        try:
            with db:  # commits, or rolls back on error
                yield db
        except (sqlite3.DatabaseError, sqlite3.OperationalError) as exc:
            raise WebUserError(
                f"The web users file {self.path} cannot be used: {exc}. Restore it from a backup, "
                "or move it away to start with no user (`vigie users add`)."
            ) from None
        finally:
            db.close()

    # --- users --------------------------------------------------------------------------------

    def add(
        self,
        username: str,
        password: str,
        role: str,
        csm: str | None = None,
        language: str = "en",
    ) -> User:
        if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", username):
            raise WebUserError(
                f"User name {username!r} is not allowed: use 1-64 letters, digits, or _ . @ -."
            )
        if role not in ROLES:
            raise WebUserError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
        if language not in LANGUAGES:
            raise WebUserError(f"Unknown language {language!r}: use one of {', '.join(LANGUAGES)}.")
        if len(password) < MIN_PASSWORD:
            raise WebUserError(f"The password must have at least {MIN_PASSWORD} characters.")
        if role == "csm" and not csm:
            csm = username
        with self._db() as db:
            same = "SELECT username FROM users WHERE lower(username) = lower(?)"
            if found := db.execute(same, [username]).fetchone():
                raise WebUserError(
                    f"User {found[0]!r} already exists (names ignore case); remove it first "
                    "(vigie users remove)."
                )
            db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                [username, _HASHER.hash(password), role, csm, language, _now()],
            )
        return User(username, role, csm, language)

    def get(self, username: str) -> User | None:
        with self._db() as db:
            row = db.execute(
                "SELECT username, role, csm, language FROM users WHERE username = ?", [username]
            ).fetchone()
        return User(**row) if row else None

    def list(self) -> list[User]:
        with self._db() as db:
            rows = db.execute(
                "SELECT username, role, csm, language FROM users ORDER BY username"
            ).fetchall()
        return [User(**row) for row in rows]

    def remove(self, username: str) -> None:
        with self._db() as db:
            if db.execute("DELETE FROM users WHERE username = ?", [username]).rowcount == 0:
                raise WebUserError(f"No user {username!r}; `vigie users list` shows them.")

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password matches; the same work is done for unknown users."""
        with self._db() as db:
            row = db.execute(
                "SELECT password_hash FROM users WHERE username = ?", [username]
            ).fetchone()
        try:
            _HASHER.verify(row["password_hash"] if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return self.get(username) if row else None

    def set_language(self, username: str, language: str) -> None:
        if language not in LANGUAGES:
            raise WebUserError(f"Unknown language {language!r}: use one of {', '.join(LANGUAGES)}.")
        with self._db() as db:
            db.execute("UPDATE users SET language = ? WHERE username = ?", [language, username])

    # --- API tokens ---------------------------------------------------------------------------

    def create_token(self, username: str, label: str = "api") -> str:
        """A new token for `username`, returned once in clear; only its digest is kept."""
        if self.get(username) is None:
            raise WebUserError(f"No user {username!r}; create it first (vigie users add).")
        token = "vg_" + secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?)", [_digest(token), username, label, _now()]
            )
        return token

    def open_session(self, username: str) -> str:
        """A new session id for `username` (the cookie holds it; the store, its digest).

        Logging out ends it on the server: a copied cookie is worthless afterwards."""
        session = secrets.token_urlsafe(32)
        stale = _session_start_limit()
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE created_at < ?", [stale])
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)", [_digest(session), username, _now()]
            )
        return session

    def close_session(self, session: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE digest = ?", [_digest(session)])

    def user_for_session(self, session: str) -> User | None:
        stale = _session_start_limit()
        with self._db() as db:
            row = db.execute(
                "SELECT u.username, u.role, u.csm, u.language FROM sessions s "
                "JOIN users u USING (username) WHERE s.digest = ? AND s.created_at >= ?",
                [_digest(session), stale],
            ).fetchone()
        return User(**row) if row else None

    def user_for_token(self, token: str) -> User | None:
        with self._db() as db:
            row = db.execute(
                "SELECT u.username, u.role, u.csm, u.language FROM tokens t "
                "JOIN users u USING (username) WHERE t.digest = ?",
                [_digest(token)],
            ).fetchone()
        return User(**row) if row else None

    # --- audit log and settings ---------------------------------------------------------------

    def audit(self, username: str, action: str, target: str, detail: dict[str, Any]) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO audit (at, username, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                [_now(), username, action, target, json.dumps(detail, default=str)],
            )

    def audit_log(self, action: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Newest first; `action` keeps one kind of write (e.g. `import`)."""
        query = "SELECT at, username, action, target, detail FROM audit"
        params: list[Any] = []
        if action is not None:
            query += " WHERE action = ?"
            params.append(action)
        with self._db() as db:
            rows = db.execute(query + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
        return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]

    def secret(self) -> str:
        """The key that signs session cookies, created once per workspace."""
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO settings VALUES ('session_secret', ?)",
                [secrets.token_urlsafe(48)],
            )
            return db.execute("SELECT value FROM settings WHERE key = 'session_secret'").fetchone()[
                0
            ]
