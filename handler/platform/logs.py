"""What the service logs, set in one place for every entry point (Lambda, local run, tests).

Our own lines carry no personal data (routes as templates, counts, error classes). Libraries
don't promise that: fontTools logs each PDF's font subset at INFO with its glyph names — the
letters of the candidate's name — and botocore at DEBUG logs request bodies. They are kept at
WARNING whatever the root logger's level, and the PDF's libraries at ERROR: their warnings name
the letters a font lacks.

Every value a line is formatted with has its control characters escaped (`escape_values`,
issue 25): a newline in a provider's email claim forged a whole « staff signed in » line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

#: Libraries whose INFO and DEBUG lines may hold what a request carried.
LIBRARIES = ("fontTools", "fpdf", "PIL", "botocore", "boto3", "s3transfer", "urllib3", "moto",
             "werkzeug", "waitress")
#: Those whose warnings quote the text being rendered: fpdf2 warns « Font … is missing the
#: following glyphs: '李' (\u674e)… » for a letter of a name the shipped font lacks.
QUOTING_TEXT = ("fontTools", "fpdf")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escaped(value: Any) -> Any:
    """A string with its control characters (newlines, ANSI escapes…) written as \\xNN or
    \\uNNNN; any other value as it is."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub(lambda m: (f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                   else f"\\u{ord(m.group()):04x}"), value)


def escape_values() -> None:
    """Every log record's values (its `args`) escaped, whoever logs it; installed once."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "escapes_values", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.args, Mapping):
            record.args = {key: escaped(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(escaped(value) for value in record.args)
        return record

    factory.escapes_values = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def quiet_libraries() -> None:
    """Libraries at WARNING (ERROR for those quoting text): their lower lines are dropped
    whatever the root's level. And every line's values escaped (`escape_values`)."""
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.ERROR if name in QUOTING_TEXT
                                         else logging.WARNING)
    escape_values()


def configure(level: int = logging.INFO, *, fmt: str | None = None) -> None:
    """The entry points' root logger: at `level`, with a handler writing `fmt` if it has none
    (the local run; Lambda's runtime installs its own), the libraries at WARNING from the start
    (create_app quiets them too, for the entry points that don't call this, tests included)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=fmt or logging.BASIC_FORMAT)
    root.setLevel(level)
    quiet_libraries()
