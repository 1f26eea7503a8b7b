"""Channels: a Slack-compatible webhook and SMTP email. Each send raises on any failure."""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.request
from email.message import EmailMessage

from vigie.alerts.config import Email, Webhook
from vigie.errors import AlertError


def send_webhook(settings: Webhook, text: str) -> None:
    """POST `{"text": ...}` (what Slack, Mattermost and Teams incoming webhooks accept)."""
    request = urllib.request.Request(
        settings.url,
        data=json.dumps({"text": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # urlopen raises HTTPError for any 4xx/5xx answer.
    with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
        response.read()


def _password(settings: Email) -> str | None:
    if settings.password_env is None:
        return None
    value = os.environ.get(settings.password_env)
    if value is None:
        raise AlertError(
            f"Email password variable {settings.password_env} is not set: export it, "
            "or remove password_env from the alert config."
        )
    return value


def send_email(settings: Email, to: str, subject: str, body: str) -> None:
    """One plain-text message; TLS from the start, STARTTLS, or none (local relays only)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(body)
    password = _password(settings)
    context = ssl.create_default_context()
    if settings.security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_seconds, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    with server:
        if settings.security == "starttls":
            server.starttls(context=context)
        if settings.username is not None:
            server.login(settings.username, password or "")
        server.send_message(message)
