"""One JSON error envelope for every failure: {"code", "message", "errors"}.

`code` is stable for clients that must branch (`deja_inscrit`, `inscriptions_fermees`…),
`message` is French and says what to do, `errors` maps field paths to messages (422) and is
empty otherwise. Storage faults become 503 with Retry-After; nothing ever answers with a trace.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from handler import messages as msg

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An expected failure, answered with its status, code and French message."""

    def __init__(self, status: int, code: str, message: str, *,
                 errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or {}
        self.headers = headers or {}
        self.extra = extra


class StorageUnavailable(Exception):
    """The object store failed or timed out; the request stored nothing it can't repair."""


def error_response(status: int, code: str, message: str, *,
                   errors: dict[str, list[str]] | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The envelope as a Flask response."""
    response = jsonify({"code": code, "message": message, "errors": errors or {}, **extra})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_HTTP_CODES = {
    400: ("requete_invalide", msg.JSON_INVALIDE),
    404: ("introuvable", msg.RESSOURCE_INTROUVABLE),
    405: ("methode_non_autorisee", msg.METHODE_NON_AUTORISEE),
    413: ("corps_trop_gros", msg.CORPS_TROP_GROS),
    415: ("json_attendu", msg.JSON_ATTENDU),
}


def _is_storage_fault(exc: Exception) -> bool:
    if isinstance(exc, StorageUnavailable | BotoCoreError):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = exc.response.get("Error", {}).get("Code", "")
        return status >= 500 or code in {"SlowDown", "RequestTimeout", "Throttling",
                                         "ServiceUnavailable", "InternalError"}
    return False


def init_app(app: Flask) -> None:
    """Register the handlers that turn every failure into the envelope."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, errors=exc.errors,
                              headers=exc.headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status, ("erreur_http", msg.ERREUR_INTERNE))
        response = error_response(status, code, message)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if _is_storage_fault(exc):
            # The class name only: botocore's messages can quote keys, never personal data,
            # but there is no need to risk it.
            log.warning("storage unavailable: %s", type(exc).__name__)
            return error_response(503, "stockage_indisponible", msg.STOCKAGE_INDISPONIBLE,
                                  headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        log.error("unexpected error: %s", type(exc).__name__)
        return error_response(500, "erreur_interne", msg.ERREUR_INTERNE)
