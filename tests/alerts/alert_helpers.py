"""Dates of the alert fixture, the local SMTP handler, and an alert config pointing at the receivers."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 3, 8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8"))
        )
        return "250 OK"


def write_config(folder: Path, smtp_port: int | None, url: str | None, extra: str = "") -> Path:
    channels = []
    if url:
        channels.append(f"  webhook: {{url: '{url}', timeout_seconds: 5}}")
    if smtp_port:
        channels.append(
            f"  email: {{host: 127.0.0.1, port: {smtp_port}, security: none, "
            "sender: vigie@example.com, timeout_seconds: 5}"
        )
    text = f"""
dedupe_hours: 24
retries: 2
backoff_seconds: 0
recipients: {{"Alice Martin": alice@example.com}}
default_recipient: team@example.com
channels:
{chr(10).join(channels)}
rules:
  - {{name: band_change, kind: band_change}}
  - {{name: score_drop, kind: score_drop, threshold: 10}}
  - {{name: signals, kind: signal, signal_kinds: [usage_drop]}}
  - {{name: overdue, kind: action_overdue}}
{extra}"""
    path = folder / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    return path
