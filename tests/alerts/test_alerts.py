"""Alert detection, digest per CSM, real SMTP and HTTP delivery, retries, dedupe and the log."""

from __future__ import annotations

import datetime as dt
from email import message_from_string
from pathlib import Path

import pytest
from alert_helpers import D2, Mailbox, free_port, write_config
from typer.testing import CliRunner

from vigie.alerts.config import load_alert_config
from vigie.alerts.deliver import delivery_log, run_alerts, send_test
from vigie.alerts.detect import detect
from vigie.cli.app import app
from vigie.errors import AlertError

NOW = dt.datetime(2026, 3, 8, 7, 0)


def test_detect_finds_each_rule_kind_with_the_accounts_csm(alert_ws, tmp_path: Path) -> None:
    config = load_alert_config(write_config(tmp_path, 25, None))
    alerts = detect(alert_ws, D2, config)
    assert sorted(alerts["alert_key"]) == [
        "band:A1:main:2026-03-08",
        "drop:A1:main:2026-03-08",
        "overdue:ACT1",
        "signal:B1:usage_drop",
    ]
    by_key = alerts.set_index("alert_key")
    assert by_key.loc["band:A1:main:2026-03-08", "text"].startswith("main band green -> red")
    assert by_key.loc["drop:A1:main:2026-03-08", "text"].startswith("main score fell 30.0 points")
    assert by_key.loc["overdue:ACT1", "csm"] == "Alice Martin"
    assert by_key.loc["signal:B1:usage_drop", "csm"] == "Bob Stone"


def test_point_in_time_ignores_later_scores(alert_ws, tmp_path: Path) -> None:
    """At D1 there is no earlier stored date: no band change or drop can be claimed."""
    config = load_alert_config(write_config(tmp_path, 25, None))
    keys = set(detect(alert_ws, dt.date(2026, 3, 1), config)["alert_key"])
    assert keys == {"overdue:ACT1"}


def test_email_digest_per_csm_then_dedupe(alert_ws, smtp, tmp_path: Path) -> None:
    box, port = smtp
    config = load_alert_config(write_config(tmp_path, port, None))
    rows = run_alerts(alert_ws, D2, config, now=NOW)
    assert set(rows["status"]) == {"sent"}
    # Alice's three alerts in one message; Bob has no address, so the default gets his one.
    assert sorted(rcpt[0] for _, rcpt, _ in box.messages) == [
        "alice@example.com",
        "team@example.com",
    ]
    alice = next(m for _, r, m in box.messages if r == ["alice@example.com"])
    mail = message_from_string(alice)
    assert "Alice Martin" in mail["Subject"] and "3 alert(s)" in mail["Subject"]
    body = mail.get_payload()
    assert "- Acme (A1): main band green -> red" in body and "- Cargo (C1): action overdue" in body
    # Same run again within the window: nothing new is sent.
    again = run_alerts(alert_ws, D2, config, now=NOW + dt.timedelta(hours=2))
    assert again.empty and len(box.messages) == 2
    # After the window the ongoing conditions (signal, overdue action) go out again; dated ones too.
    later = run_alerts(alert_ws, D2, config, now=NOW + dt.timedelta(hours=25))
    assert len(later) == 4 and len(box.messages) == 4


def test_webhook_down_then_recovers_loses_and_duplicates_nothing(
    alert_ws, webhook, tmp_path: Path
) -> None:
    receiver, url = webhook
    config = load_alert_config(write_config(tmp_path, None, url))
    waits: list[float] = []
    receiver.fail_next = 100
    first = run_alerts(alert_ws, D2, config, now=NOW, sleep=waits.append)
    assert set(first["status"]) == {"failed"}
    assert set(first["attempts"]) == {2} and receiver.refused == 4  # 2 CSMs x 2 attempts
    assert first["attempts"].dtype == "int64"
    assert first["last_error"].str.contains("HTTP Error 500").all()
    assert waits == [0.0, 0.0]
    receiver.fail_next = 0
    # The next run is a day later and the band change is no longer "new": it still goes out.
    second = run_alerts(
        alert_ws, D2 + dt.timedelta(days=1), config, now=NOW + dt.timedelta(hours=1)
    )
    assert set(second["status"]) == {"sent"} and len(second) == 4
    assert len(receiver.bodies) == 2
    texts = sorted(b["text"] for b in receiver.bodies)
    assert texts[0].startswith("*Vigie alerts for Alice Martin") and "band green -> red" in texts[0]
    assert texts[1].startswith("*Vigie alerts for Bob Stone") and "usage_drop" in texts[1]
    log = delivery_log(alert_ws)
    assert len(log) == 4 and set(log["status"]) == {"sent"}
    assert set(log["attempts"]) == {3}
    assert (log["first_attempt_at"] == NOW).all()
    third = run_alerts(alert_ws, D2, config, now=NOW + dt.timedelta(hours=2))
    assert third.empty and len(receiver.bodies) == 2


def test_retry_succeeds_within_one_run_with_backoff(alert_ws, webhook, tmp_path: Path) -> None:
    receiver, url = webhook
    config = load_alert_config(write_config(tmp_path, None, url)).model_copy(
        update={"backoff_seconds": 1.5, "retries": 3}
    )
    receiver.fail_next = 2
    waits: list[float] = []
    rows = run_alerts(alert_ws, D2, config, now=NOW, sleep=waits.append)
    assert set(rows["status"]) == {"sent"}
    assert waits == [1.5, 3.0]  # first CSM's message needed three attempts
    assert sorted(rows.groupby("csm")["attempts"].first()) == [1, 3]


def test_rule_channels_route_alerts(alert_ws, smtp, webhook, tmp_path: Path) -> None:
    _, port = smtp
    _, url = webhook
    path = write_config(tmp_path, port, url)
    text = path.read_text().replace(
        "{name: overdue, kind: action_overdue}",
        "{name: overdue, kind: action_overdue, channels: [email]}",
    )
    path.write_text(text)
    rows = run_alerts(alert_ws, D2, load_alert_config(path), now=NOW)
    overdue = rows[rows["alert_key"] == "overdue:ACT1"]
    assert list(overdue["channel"]) == ["email"]
    assert len(rows[rows["channel"] == "webhook"]) == 3


def test_no_channel_is_a_user_error(alert_ws) -> None:
    with pytest.raises(AlertError, match="No alert channel is configured"):
        run_alerts(alert_ws, D2, load_alert_config(), now=NOW)


def test_invalid_config_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n  - {name: x, kind: band_flip}\n")
    with pytest.raises(AlertError, match=r"rules\.0\.kind"):
        load_alert_config(path)
    for url in ("not a url", "ftp://example.com/x"):
        with pytest.raises(AlertError, match="an http:// or https:// address"):
            load_alert_config(write_config(tmp_path, None, url))


def test_cli_run_exits_1_when_alerts_did_not_go_out(alert_ws, webhook, tmp_path: Path) -> None:
    """A cron job must notice: the failed alerts are retried next run, but said now."""
    receiver, url = webhook
    receiver.fail_next = 100
    config = write_config(tmp_path, None, url)
    ws = str(alert_ws.root)
    args = ["alerts", "run", "-w", ws, "--config", str(config), "--as-of", str(D2)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "0 alert(s) delivered, 4 failed" in result.output


def test_cli_run_and_test(alert_ws, smtp, tmp_path: Path) -> None:
    box, port = smtp
    config = write_config(tmp_path, port, None)
    runner = CliRunner()
    ws = str(alert_ws.root)
    result = runner.invoke(app, ["alerts", "test", "email", "-w", ws, "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert box.messages[-1][1] == ["team@example.com"]
    result = runner.invoke(
        app, ["alerts", "run", "-w", ws, "--config", str(config), "--as-of", "2026-03-08"]
    )
    assert result.exit_code == 0, result.output
    assert "4 alert(s) delivered, 0 failed" in result.output
    assert len(box.messages) == 3


def test_smtp_login_uses_the_password_from_the_environment(
    alert_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"vigie", b"s3cret"))

    box, port = Mailbox(), free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        path = write_config(tmp_path, port, None)
        path.write_text(
            path.read_text().replace(
                "security: none,", "security: none, username: vigie, password_env: VIGIE_TEST_PW,"
            )
        )
        config = load_alert_config(path)
        with pytest.raises(AlertError, match="VIGIE_TEST_PW is not set"):
            send_test(config, "email")
        monkeypatch.setenv("VIGIE_TEST_PW", "s3cret")
        assert send_test(config, "email") == "team@example.com"
        assert len(box.messages) == 1
    finally:
        controller.stop()
