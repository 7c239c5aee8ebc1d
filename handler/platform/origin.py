"""Only the site's CDN may call the API: a request without the origin secret is refused.

Behind CloudFront the API Gateway's own address (`*.execute-api.*.amazonaws.com`) stays
reachable on the internet; called directly, it would bypass the WAF in front of CloudFront (its
per-client rate limit, its managed protections) and could forge the client-address header the
per-client limits read. So CloudFront adds a secret header to every request it forwards
(infra/template.yaml: the `api` origin's custom header; a viewer who sends a header of that
name has it replaced), and the handler refuses any request that doesn't carry it, before
anything else runs.

Where the accepted secrets come from:
- ORIGIN_VERIFY_SECRET_ARN (AWS): the secret in AWS Secrets Manager, read at run time, its
  current and previous versions both accepted and kept CACHE_SECONDS. So a rotation never cuts
  the API off: the new value is accepted within CACHE_SECONDS of being stored, and the old one
  as long as CloudFront may still send it (infra/README.md, « Rotating the origin secret »).
  If Secrets Manager can't be read and nothing is cached, the request answers 503; once read,
  the values are kept through its faults.
- ORIGIN_VERIFY_SECRET: fixed values, separated by commas (another CDN, a proxy).
- neither (the local run, the tests, a deployment without a CDN): no check.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, request

from handler.platform import messages as msg
from handler.platform.errors import ApiError, StorageUnavailable

log = logging.getLogger(__name__)

#: The header CloudFront adds to each request it forwards to the API.
ORIGIN_HEADER = "X-Origin-Verify"
CACHE_SECONDS = 300
STAGES = ("AWSCURRENT", "AWSPREVIOUS")


class ManagedSecret:
    """A Secrets Manager secret's current and previous values, read at most every
    CACHE_SECONDS (`client`: a boto3 secretsmanager client)."""

    def __init__(self, client: Any, secret_id: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.secret_id, self.clock = client, secret_id, clock
        self._values: tuple[bytes, ...] = ()
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def values(self) -> tuple[bytes, ...]:
        with self._lock:
            if self._read_at is None or self.clock() - self._read_at >= CACHE_SECONDS:
                try:
                    self._values = self._read()
                except (ClientError, BotoCoreError, StorageUnavailable) as exc:
                    if not self._values:
                        raise  # nothing to compare with: 503, never an open door
                    log.warning("origin secret not refreshed: %s", type(exc).__name__)
                self._read_at = self.clock()
            return self._values

    def _read(self) -> tuple[bytes, ...]:
        found = []
        for stage in STAGES:
            try:
                answer = self.client.get_secret_value(SecretId=self.secret_id,
                                                      VersionStage=stage)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    continue  # no previous version before the first rotation
                raise
            found.append(str(answer["SecretString"]).encode("utf-8"))
        if not found:
            raise StorageUnavailable("the origin secret has no current value")
        return tuple(found)


def _secrets_manager(region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("secretsmanager", region_name=region, config=Config(
        connect_timeout=2, read_timeout=4, retries={"mode": "standard", "max_attempts": 2}))


def init_app(app: Flask, *, client: Any = None) -> None:
    """Refuse, with 403, every request without one of the accepted secrets (if any is set)."""
    fixed = tuple(s.strip().encode("utf-8")
                  for s in app.config["ORIGIN_VERIFY_SECRET"].split(",") if s.strip())
    arn = app.config["ORIGIN_VERIFY_SECRET_ARN"]
    if not fixed and not arn:
        return
    managed = (ManagedSecret(client or _secrets_manager(app.config["AWS_REGION"]), arn)
               if arn else None)
    app.extensions["origin_secret"] = managed

    @app.before_request
    def _through_the_cdn_only() -> None:
        accepted = fixed + (managed.values() if managed else ())
        given = request.headers.get(ORIGIN_HEADER, "").encode("utf-8")
        # Every value compared, each in constant time: nothing to learn from the timing.
        if not any([hmac.compare_digest(given, value) for value in accepted]):
            log.warning("request refused: not through the site's CDN")
            raise ApiError(403, "acces_direct_refuse", msg.ACCES_DIRECT_REFUSE)
