"""Turning away naive bots without ever blocking a candidate.

The real defences against a flood are elsewhere: one dossier per person and session, the
validation itself, the per-client limits (here, in-process; across instances, the WAF's rate
rule in production). This module adds two cheap signals that the form sends beside the dossier,
in headers — never inside the dossier's schema:
- `X-Champ-Piege`: the content of a field people never see (hidden from screen readers too) and
  bots fill in; anything in it refuses the submission;
- `X-Duree-Saisie`: the seconds (real time, measured by the browser from the first keystroke,
  kept with the draft across reloads) spent filling the form; under MIN_FILL_SECONDS refuses it.
A request with neither header is an API client: accepted, under the per-client limit.

What they stop: scripts that fill every input of the page or post the instant they load it.
What they don't: anyone who reads this file, omits the headers or waits — they still meet the
validation, the one-dossier rule and the rate limits.
"""

from __future__ import annotations

import math

from flask import Flask, current_app, request

from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit, client_key

HONEYPOT_HEADER = "X-Champ-Piege"
FILL_TIME_HEADER = "X-Duree-Saisie"
MIN_FILL_SECONDS = 3.0
SUBMISSION_WINDOW = 15 * 60


def init_app(app: Flask) -> None:
    """The per-client submission limit, one per app (SUBMISSIONS_PER_CLIENT, 0: none)."""
    per_client = int(app.config["SUBMISSIONS_PER_CLIENT"])
    app.extensions["submission_client_limit"] = (
        SlidingWindowLimit(per_client, SUBMISSION_WINDOW) if per_client > 0 else None)


def _refused() -> ApiError:
    return ApiError(400, "envoi_refuse", msg.ENVOI_REFUSE)


def screen_submission() -> None:
    """Count the submission against its client, and refuse it on a bot's signals."""
    limit: SlidingWindowLimit | None = current_app.extensions["submission_client_limit"]
    if limit is not None and (wait := limit.hit(client_key())) is not None:
        raise ApiError(429, "trop_de_requetes", msg.TROP_D_ENVOIS,
                       headers={"Retry-After": str(max(1, math.ceil(wait)))})
    if request.headers.get(HONEYPOT_HEADER, "").strip():
        raise _refused()
    duration = request.headers.get(FILL_TIME_HEADER)
    if duration is not None:
        try:
            seconds = float(duration)
        except ValueError:
            raise _refused() from None
        if not math.isfinite(seconds) or seconds < MIN_FILL_SECONDS:
            raise _refused()
