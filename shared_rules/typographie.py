"""French typography for the service's own sentences (never for what a person typed): a
no-break space before « : ; ! ? » » and after « « », and inside « 9 h 00 », so that no line of
a page starts with the sign or leaves a guillemet alone at its end (issue 29, item 11).

The built pages get it from `site/finalize.py` (`insecables_html`), the form's sentences from
`fr()` in `site/docs/assets/javascripts/platform/dom.js`, the same three rules.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_BEFORE = re.compile(r" ([:;!?»])")
_AFTER = re.compile(r"« ")
_HOUR = re.compile(r"(\d) h (\d)")
#: A tag, or a whole element whose text is not prose (scripts, styles, code, a text area).
_HTML = re.compile(r"<(script|style|pre|code|textarea)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.I)


def insecables(texte: str) -> str:
    """`texte` with its breakable spaces next to French signs made no-break."""
    texte = _AFTER.sub(f"«{NBSP}", _BEFORE.sub(rf"{NBSP}\1", texte))
    return _HOUR.sub(rf"\1{NBSP}h{NBSP}\2", texte)


def insecables_html(html: str) -> str:
    """An HTML page with `insecables` applied to its text, not to tags, attributes, scripts,
    styles, code or text areas."""
    parts, start = [], 0
    for match in _HTML.finditer(html):
        parts += [insecables(html[start:match.start()]), match.group(0)]
        start = match.end()
    parts.append(insecables(html[start:]))
    return "".join(parts)
