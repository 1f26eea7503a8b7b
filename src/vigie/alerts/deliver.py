"""Send the alerts of a run as one digest per recipient and channel, and log every delivery.

The `alert_deliveries` table holds one row per (alert key, channel, recipient).
A failed row is retried on the next run, even when its condition is gone, so a
channel that is down loses nothing; a sent row blocks the same key for
`dedupe_hours`. The table is written once, after sending, in one statement.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import ibis
import pandas as pd
import pyarrow as pa

from vigie.alerts.channels import send_email, send_webhook
from vigie.alerts.config import AlertConfig
from vigie.alerts.detect import detect
from vigie.errors import AlertError
from vigie.io.insert import insert_arrow
from vigie.workspace import Workspace

DELIVERIES = "alert_deliveries"
DELIVERY_SCHEMA = ibis.schema(
    {
        "alert_key": "string",
        "rule": "string",
        "account_id": "string",
        "name": "string",
        "csm": "string",
        "channel": "string",
        "recipient": "string",
        "text": "string",
        "status": "string",  # sent | failed
        "attempts": "int64",
        "last_error": "string",
        "first_attempt_at": "timestamp",
        "last_attempt_at": "timestamp",
        "sent_at": "timestamp",
    }
)
KEY = ["alert_key", "channel", "recipient"]


def delivery_log(workspace: Workspace) -> pd.DataFrame:
    """Every delivery row, newest attempt first."""
    if DELIVERIES not in workspace.con.list_tables():
        return DELIVERY_SCHEMA.to_pyarrow().empty_table().to_pandas()
    return workspace.con.table(DELIVERIES).order_by(ibis.desc("last_attempt_at")).to_pandas()


def _routes(alerts: pd.DataFrame, config: AlertConfig) -> pd.DataFrame:
    """One row per (alert, channel, recipient): email to the CSM's address, webhook per CSM."""
    configured = config.configured()
    if not configured:
        raise AlertError(
            "No alert channel is configured: add channels.webhook.url or channels.email "
            "to the alert config (see docs/alerts.md)."
        )
    alerts = alerts.assign(csm=alerts["csm"].fillna("(no CSM)"))
    parts = []
    for channel in configured:
        rules = [r.name for r in config.rules if channel in (r.channels or configured)]
        rows = alerts[alerts["rule"].isin(rules)]
        if channel == "email":
            address = rows["csm"].map(config.recipients).fillna(config.default_recipient or "")
            rows = rows.assign(recipient=address)[address != ""]
        else:
            rows = rows.assign(recipient=rows["csm"])
        parts.append(rows.assign(channel=channel))
    return pd.concat(parts, ignore_index=True)


def _digest(group: pd.DataFrame, as_of: dt.date) -> tuple[str, str]:
    """Subject and body of one recipient's message: one line per alert, by account."""
    group = group.sort_values(["name", "account_id", "alert_key"])
    lines = "\n".join(
        "- " + group["name"].fillna(group["account_id"]) + " (" + group["account_id"] + "): "
        + group["text"]
    )  # fmt: skip
    who = ", ".join(sorted(group["csm"].unique()))
    subject = f"Vigie alerts for {who} ({as_of}): {len(group)} alert(s)"
    return subject, lines


def _send_with_retries(
    send: Callable[[], None], config: AlertConfig, sleep: Callable[[float], None]
) -> tuple[int, str | None]:
    """Attempts used and the last error (None when delivered); waits double each retry."""
    error = None
    for attempt in range(1, config.retries + 1):
        try:
            send()
            return attempt, None
        except (OSError, AlertError) as exc:  # URLError, HTTPError and SMTP errors are OSErrors
            error = f"{type(exc).__name__}: {exc}"
            if attempt < config.retries:
                sleep(config.backoff_seconds * 2 ** (attempt - 1))
    return config.retries, error


def _sender(channel: str, recipient: str, config: AlertConfig, subject: str, body: str):
    if channel == "email":
        assert config.channels.email is not None
        return lambda: send_email(config.channels.email, recipient, subject, body)
    assert config.channels.webhook is not None
    return lambda: send_webhook(config.channels.webhook, f"*{subject}*\n{body}")


def _pending(log: pd.DataFrame, routes: pd.DataFrame, config: AlertConfig, now: dt.datetime):
    """New routes plus earlier failures, minus keys sent within the dedupe window."""
    failed = log[log["status"] == "failed"][routes.columns.intersection(log.columns)]
    todo = pd.concat([routes, failed], ignore_index=True).drop_duplicates(KEY)
    window = now - dt.timedelta(hours=config.dedupe_hours)
    recent = log[(log["status"] == "sent") & (log["sent_at"] >= window)][KEY]
    blocked = todo.merge(recent, on=KEY, how="left", indicator=True)["_merge"] == "both"
    return todo[~blocked.to_numpy()]


def run_alerts(
    workspace: Workspace,
    as_of: dt.date,
    config: AlertConfig,
    now: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Detect, send one digest per (channel, recipient), log; returns this run's log rows."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    log = delivery_log(workspace)
    todo = _pending(log, _routes(detect(workspace, as_of, config), config), config, now)
    outcomes = []
    for (channel, recipient), group in todo.groupby(["channel", "recipient"], sort=True):
        subject, body = _digest(group, as_of)
        attempts, error = _send_with_retries(
            _sender(channel, recipient, config, subject, body), config, sleep
        )
        outcomes.append(
            group.assign(
                status="failed" if error else "sent",
                attempts_now=attempts,
                last_error=error,
                last_attempt_at=now,
                sent_at=None if error else now,
            )
        )
    if not outcomes:
        return DELIVERY_SCHEMA.to_pyarrow().empty_table().to_pandas()
    done = pd.concat(outcomes, ignore_index=True)
    before = log.set_index(KEY)
    index = pd.MultiIndex.from_frame(done[KEY])
    earlier = before["attempts"].reindex(index).fillna(0).to_numpy()
    done["attempts"] = (earlier + done["attempts_now"]).astype("int64")
    done["first_attempt_at"] = before["first_attempt_at"].reindex(index).fillna(now).to_numpy()
    kept = log[~pd.MultiIndex.from_frame(log[KEY]).isin(index)]
    table = pd.concat([kept, done[list(DELIVERY_SCHEMA.names)]], ignore_index=True)
    rows = pa.Table.from_pandas(
        table[list(DELIVERY_SCHEMA.names)],
        schema=DELIVERY_SCHEMA.to_pyarrow(),
        preserve_index=False,
    )
    if DELIVERIES not in workspace.con.list_tables():
        workspace.con.create_table(DELIVERIES, schema=DELIVERY_SCHEMA)
    insert_arrow(workspace.con, DELIVERIES, rows, overwrite=True)
    return done[list(DELIVERY_SCHEMA.names)]


def send_test(config: AlertConfig, channel: str, to: str | None = None) -> str:
    """Send one test message through a channel (raises AlertError when it fails); returns where."""
    if channel not in config.configured():
        raise AlertError(
            f"Channel {channel!r} is not configured; configured: {config.configured() or 'none'}."
        )
    if channel == "email":
        to = to or config.default_recipient
        if not to:
            raise AlertError("No address for the test email: pass --to or set default_recipient.")
    recipient = to or "test"
    subject, body = "Vigie test alert", "This is a test message from `vigie alerts test`."
    attempts, error = _send_with_retries(
        _sender(channel, recipient, config, subject, body), config, time.sleep
    )
    if error:
        raise AlertError(f"{channel} test failed after {attempts} attempt(s): {error}")
    return recipient
