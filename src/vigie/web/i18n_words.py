"""Words that reach templates as data (roles, colours, statuses, dimensions), for the catalogue.

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
    # action and alert statuses, tone bands, sources of texts
    N_("open"), N_("done"), N_("dismissed"), N_("sent"), N_("failed"),
    N_("negative"), N_("neutral"), N_("positive"),
    N_("interaction"), N_("ticket"), N_("survey"), N_("sentiment"),
    # dimensions of the bundled scorecards (and risk types)
    N_("adoption"), N_("commercial"), N_("delivery"), N_("growth"), N_("logins"),
    N_("payment"), N_("quality"), N_("relationship"), N_("satisfaction"), N_("support"),
    N_("usage"),
)  # fmt: skip
