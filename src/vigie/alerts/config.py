"""Alert configuration: rules, channels, recipients, dedupe and retry settings, refused whole if invalid."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML, YAMLError

from vigie.errors import AlertError
from vigie.textfile import read_text_file

DEFAULTS = Path(__file__).with_name("defaults.yaml")
RULE_KINDS = ("band_change", "score_drop", "signal", "review_item", "action_overdue")
CHANNELS = ("webhook", "email")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Model):
    name: str
    kind: Literal["band_change", "score_drop", "signal", "review_item", "action_overdue"]
    threshold: float = Field(10.0, gt=0, description="score_drop: points lost vs previous date")
    signal_kinds: list[str] | None = None
    channels: list[Literal["webhook", "email"]] | None = None  # None = every configured channel


class Webhook(_Model):
    url: str
    timeout_seconds: float = 10.0

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"an http:// or https:// address, not {url!r}")
        return url


class Email(_Model):
    host: str
    port: int = 587
    security: Literal["none", "starttls", "tls"] = "starttls"
    username: str | None = None
    password_env: str | None = None  # name of the environment variable holding the password
    sender: str
    timeout_seconds: float = 10.0


class Channels(_Model):
    webhook: Webhook | None = None
    email: Email | None = None


class AlertConfig(_Model):
    dedupe_hours: float = Field(24.0, ge=0)
    retries: int = Field(3, ge=1)
    backoff_seconds: float = Field(2.0, ge=0)
    recipients: dict[str, str] = {}
    default_recipient: str | None = None
    channels: Channels = Channels()
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> AlertConfig:
        names = [r.name for r in self.rules]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"rule names must be unique; repeated: {repeated}")
        return self

    def configured(self) -> list[str]:
        return [c for c in CHANNELS if getattr(self.channels, c) is not None]


def load_alert_config(path: Path | str | None = None) -> AlertConfig:
    """The team's alert file, or the bundled defaults (which configure no channel)."""
    source = "defaults.yaml" if path is None else str(path)
    if path is not None and not Path(path).is_file():
        raise AlertError(f"Alert config {path} not found: pass an existing YAML file.")
    text = DEFAULTS.read_text(encoding="utf-8") if path is None else read_text_file(path)
    try:
        return AlertConfig.model_validate(YAML(typ="safe").load(text))
    except YAMLError as exc:
        raise AlertError(f"{source} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "\n".join(f"  {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise AlertError(f"{source} has invalid alert settings; fix:\n{problems}") from exc
