"""What the service logs, set in one place for every entry point (Lambda, local run, tests).

Our own lines carry no personal data (routes as templates, counts, error classes). Libraries
don't promise that: fontTools logs each PDF's font subset at INFO with its glyph names — the
letters of the candidate's name — and botocore at DEBUG logs request bodies. They are kept at
WARNING whatever the root logger's level, and the PDF's libraries at ERROR: their warnings name
the letters a font lacks.
"""

from __future__ import annotations

import logging

#: Libraries whose INFO and DEBUG lines may hold what a request carried.
LIBRARIES = ("fontTools", "fpdf", "PIL", "botocore", "boto3", "s3transfer", "urllib3", "moto",
             "werkzeug", "waitress")
#: Those whose warnings quote the text being rendered: fpdf2 warns « Font … is missing the
#: following glyphs: '李' (\u674e)… » for a letter of a name the shipped font lacks.
QUOTING_TEXT = ("fontTools", "fpdf")


def quiet_libraries() -> None:
    """Libraries at WARNING (ERROR for those quoting text): their lower lines are dropped
    whatever the root's level."""
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.ERROR if name in QUOTING_TEXT
                                         else logging.WARNING)


def configure(level: int = logging.INFO, *, fmt: str | None = None) -> None:
    """The entry points' root logger: at `level`, with a handler writing `fmt` if it has none
    (the local run; Lambda's runtime installs its own), the libraries at WARNING from the start
    (create_app quiets them too, for the entry points that don't call this, tests included)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=fmt or logging.BASIC_FORMAT)
    root.setLevel(level)
    quiet_libraries()
