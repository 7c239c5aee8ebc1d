"""Only the site's CDN may call the API: a request without the origin secret is refused.

Behind CloudFront the API Gateway's own address (`*.execute-api.*.amazonaws.com`) stays
reachable on the internet; called directly, it would bypass the WAF in front of CloudFront (its
per-client rate limit, its managed protections) and could forge the client-address header the
per-client limits read. So CloudFront adds a secret header to every request it forwards
(infra/template.yaml: the `api` origin's custom header, generated in AWS Secrets Manager; a
viewer who sends a header of that name has it replaced), and the handler refuses any request
that doesn't carry it, before anything else runs.

Empty ORIGIN_VERIFY_SECRET (the local run, the tests, a deployment without a CDN): no check.
"""

from __future__ import annotations

import hmac
import logging

from flask import Flask, request

from handler import messages as msg
from handler.errors import ApiError

log = logging.getLogger(__name__)

#: The header CloudFront adds to each request it forwards to the API.
ORIGIN_HEADER = "X-Origin-Verify"


def init_app(app: Flask, secret: str) -> None:
    """Refuse, with 403, every request without the CDN's secret (if one is configured)."""
    if not secret:
        return
    expected = secret.encode("utf-8")

    @app.before_request
    def _through_the_cdn_only() -> None:
        given = request.headers.get(ORIGIN_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, expected):  # constant time: nothing to learn from it
            log.warning("request refused: not through the site's CDN")
            raise ApiError(403, "acces_direct_refuse", msg.ACCES_DIRECT_REFUSE)
