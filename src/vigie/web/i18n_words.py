"""Words that reach templates as data (roles, colours, reasons, dimension names), for the catalogue.

Templates translate them with `_(value)`; listing them here lets `pybabel
extract` put them in the catalogue like any literal message.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


DATA_WORDS = (
    # roles
    N_("admin"), N_("csm"), N_("viewer"),
    # sentiment ratings and reasons, signal severities
    N_("green"), N_("yellow"), N_("red"),
    N_("champion_left"), N_("strategic_shift"), N_("competitor"), N_("budget"),
    N_("silent_dissatisfaction"), N_("other"),
    N_("low"), N_("medium"), N_("high"),
    # dimensions of the bundled scorecards
    N_("adoption"), N_("commercial"), N_("delivery"), N_("growth"), N_("logins"),
    N_("payment"), N_("quality"), N_("relationship"), N_("satisfaction"), N_("support"),
    N_("usage"),
)  # fmt: skip
