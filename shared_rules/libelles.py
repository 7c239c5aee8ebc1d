"""Labels a candidate types by hand, matched against the session's lists.

« Ma spécialité n'est pas dans la liste » with « Couvreur » typed is a speciality of the list
under another entry (issue 24): the notice's pieces follow the speciality the candidate named
(the scaffolding certificate), and the candidate is told it is in the list (a warning, never a
refusal: the bureau judges). A typed label names a listed speciality when, compared loosely
(case, accents, spaces, hyphens and apostrophes ignored, a final s or x of each word dropped),
it contains that speciality's label: « CAP couvreur », « Peintre applicateur de revêtement »,
« serrurier metallier ». « Menuisier » alone names none of the three listed « Menuisier … ».
"""

from __future__ import annotations

from shared_rules.names import comparison_key
from shared_rules.session import Session, Specialite

#: A label's loose key must be this long to be looked for inside a typed one (so that a short
#: label can't match by chance).
MIN_KEY = 4


def loose_key(text: str) -> str:
    """`comparison_key`, word by word, each word without a final s or x (plurals)."""
    words = ("".join(c for c in comparison_key(word) if c.isalnum())
             for word in text.replace("-", " ").replace("'", " ").replace("’", " ").split())
    return "".join(word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in words)


def listed_speciality(typed: str | None, session: Session) -> Specialite | None:
    """The speciality of the list a hand-typed label names, or None (the longest label when
    several are contained in it)."""
    if not typed:
        return None
    key = loose_key(typed)
    found = [(len(label), sp) for sp in session.specialites
             if not sp.autre and len(label := loose_key(sp.libelle)) >= MIN_KEY and label in key]
    return max(found, key=lambda pair: pair[0])[1] if found else None
