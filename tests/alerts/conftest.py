"""A real local SMTP server (aiosmtpd), a local HTTP receiver, and a workspace with alertable facts."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from aiosmtpd.controller import Controller
from alert_helpers import D1, D2, Mailbox, free_port

from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.schema import TABLES
from vigie.signals.base import SIGNAL_SCHEMA
from vigie.workspace import Workspace


def load(ws: Workspace, name: str, rows: list[dict]) -> None:
    """Append rows (missing columns NULL) to a canonical table."""
    schema = TABLES[name].ibis_schema()
    frame = pd.DataFrame(rows)
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    arrow = pa.Table.from_pandas(
        frame[list(schema.names)], schema=schema.to_pyarrow(), preserve_index=False
    )
    ws.con.insert(name, ibis.memtable(arrow))


def create(ws: Workspace, name: str, schema: ibis.Schema, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    arrow = pa.Table.from_pandas(frame[list(schema.names)], schema=schema.to_pyarrow())
    ws.con.create_table(name, arrow, overwrite=True)


@pytest.fixture
def alert_ws(workspace: Workspace) -> Workspace:
    """A1 (Alice) turns red with a 30-point drop; B1 (Bob) fires a signal; C1 (Alice) has an overdue action."""
    load(
        workspace,
        "accounts",
        [
            {"account_id": "A1", "name": "Acme", "csm": "Alice Martin"},
            {"account_id": "B1", "name": "Beta", "csm": "Bob Stone"},
            {"account_id": "C1", "name": "Cargo", "csm": "Alice Martin"},
        ],
    )
    snap = []
    for day, scores in ((D1, (80.0, 60.0, 70.0)), (D2, (50.0, 58.0, 70.0))):
        for account, score in zip(("A1", "B1", "C1"), scores, strict=True):
            band = "green" if score >= 70 else "yellow" if score >= 55 else "red"
            snap.append(
                {
                    "account_id": account,
                    "as_of": day,
                    "scorecard": "main",
                    "score": score,
                    "band": band,
                }
            )
    create(workspace, SNAPSHOTS, SCHEMAS[SNAPSHOTS], snap)
    create(
        workspace,
        "signals",
        SIGNAL_SCHEMA,
        [
            {
                "account_id": "B1",
                "as_of": D2,
                "kind": "usage_drop",
                "severity": "high",
                "evidence": "logins -40% vs 90-day baseline",
            }
        ],
    )
    load(
        workspace,
        "actions",
        [
            {
                "action_id": "ACT1",
                "account_id": "C1",
                "playbook": "outreach",
                "reason": "discovery call",
                "owner": "Alice Martin",
                "created_at": dt.datetime(2026, 2, 1),
                "due_at": dt.datetime(2026, 2, 15),
                "status": "open",
            },
            {
                "action_id": "ACT2",
                "account_id": "A1",
                "playbook": "outreach",
                "reason": "not late yet",
                "owner": "Alice Martin",
                "created_at": dt.datetime(2026, 2, 1),
                "due_at": dt.datetime(2026, 4, 1),
                "status": "open",
            },
        ],
    )
    return workspace


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


class Receiver:
    """What the HTTP receiver got, and how many of the next requests it must refuse with 500."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.fail_next = 0
        self.refused = 0


@pytest.fixture
def webhook() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                receiver.refused += 1
                self.send_response(500)
            else:
                receiver.bodies.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()
