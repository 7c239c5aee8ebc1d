"""One JSON error envelope for every failure: {"code", "message", "errors"}.

`code` is stable for clients that must branch (`deja_inscrit`, `inscriptions_fermees`…),
`message` is French and says what to do, `errors` maps field paths to messages (422) and is
empty otherwise. Storage faults become 503 with Retry-After; nothing ever answers with a trace.
A 500 also carries `reference` (and `X-Request-Id`), the one its log line holds.
"""

from __future__ import annotations

import logging
import secrets
from types import TracebackType
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from handler.platform import messages as msg
from shared_rules.messages import CHAMP_INCONNU

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


#: At most this many entries in `errors` (issue 25: 90,000 unknown keys made a 6.47 MB 422).
ERRORS_MAX = 20
#: Unknown keys named in their one error.
UNKNOWN_NAMED = 5
UNKNOWN_KEYS = "champs_inconnus"
OTHER_ERRORS = "autres_erreurs"


def bounded(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """`errors` as a person can read them: more than a few unknown keys as one error, first,
    naming the first few and how many more there are; then at most ERRORS_MAX entries in all,
    the last saying how many more there were."""
    # Sorted: marshmallow reports unknown keys in a set's order, which changes from run to run.
    unknown = sorted(path for path, found in errors.items() if found == [CHAMP_INCONNU])
    if len(unknown) <= UNKNOWN_NAMED:  # a few: each on its own path, as any field's error
        unknown = []
    kept: dict[str, list[str]] = {}
    if unknown:
        named = ", ".join(f"« {path[:40]} »" for path in unknown[:UNKNOWN_NAMED])
        more = len(unknown) - UNKNOWN_NAMED
        if more > 0:
            named += f" et {msg.nombre(more)} autre{'s' if more > 1 else ''}"
        kept[UNKNOWN_KEYS] = [msg.CHAMPS_INCONNUS.format(champs=named)]
    kept.update((path, found[:ERRORS_MAX]) for path, found in errors.items()
                if not (unknown and found == [CHAMP_INCONNU]))
    if len(kept) <= ERRORS_MAX:
        return kept
    first = dict(list(kept.items())[:ERRORS_MAX - 1])
    first[OTHER_ERRORS] = [msg.AUTRES_ERREURS.format(nombre=msg.nombre(len(kept) - len(first)))]
    return first


def error_response(status: int, code: str, message: str, *,
                   errors: dict[str, list[str]] | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The envelope as a Flask response, its errors bounded (`bounded`)."""
    response = jsonify({"code": code, "message": message, "errors": bounded(errors or {}),
                        **extra})
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
        # ConditionalRequestConflict (409): real S3's answer to a conditional write racing
        # another; DossierStore retries it, and once its retries are spent it is contention to
        # wait out, not a bug.
        return status >= 500 or code in {"SlowDown", "RequestTimeout", "Throttling",
                                         "ServiceUnavailable", "InternalError",
                                         "ConditionalRequestConflict"}
    return False


def _reference() -> str:
    """This request's failure reference: in its log line and in the answer (`reference`,
    `X-Request-Id`), so that support finds one from the other."""
    if "error_reference" not in g:
        g.error_reference = secrets.token_hex(6)
    return str(g.error_reference)


def _where() -> str:
    """The method and the route's template, never the path: it may hold a registration number."""
    return f"{request.method} {request.url_rule.rule if request.url_rule else '-'}"


def _internal_error(code: str) -> Response:
    reference = _reference()
    return error_response(500, code, msg.ERREUR_INTERNE, headers={"X-Request-Id": reference},
                          reference=reference)


def _without_trace(record: logging.LogRecord) -> bool:
    """A log record's traceback replaced by its exception's class."""
    if record.exc_info and record.exc_info[0] is not None:
        record.msg, record.args = "%s (%s)", (record.getMessage(), record.exc_info[0].__name__)
        record.exc_info, record.exc_text = None, None
    return True


ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def init_app(app: Flask) -> None:
    """Register the handlers that turn every failure into the envelope, and replace Flask's
    traceback (« Exception on <path> ») by one line without the path."""

    def log_exception(exc_info: ExcInfo) -> None:
        # Flask calls this when a failure escapes the handlers below (one of them failed).
        log.error("unexpected error: %s on %s (reference %s)", exc_info[0].__name__
                  if exc_info[0] else "-", _where(), _reference())

    app.log_exception = log_exception  # type: ignore[method-assign]
    app.logger.addFilter(_without_trace)  # Flask's other exception lines, if any, too

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, errors=exc.errors,
                              headers=exc.headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 500:  # what Flask answers when a handler below failed (logged above)
            return _internal_error("erreur_http")
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
        # One line: the class, the route's template and the reference; no trace, no message
        # (an exception's message may quote a number, a key or a value).
        log.error("unexpected error: %s on %s (reference %s)", type(exc).__name__, _where(),
                  _reference())
        return _internal_error("erreur_interne")
