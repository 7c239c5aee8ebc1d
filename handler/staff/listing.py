"""The staff's list: filters, free search, sort and pages over the index's summaries.

Pure functions over the summaries (see `index`): the query is checked first (422 with errors by
parameter), then applied in memory — 20,000 summaries filter and sort in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from handler.dossier import recapitulatif, suivi
from handler.dossier.numero import ALPHABET, display, paper_reference, typed_part
from handler.platform import integers
from handler.platform.errors import ApiError
from handler.staff import messages as msg
from handler.staff.roles import account_email
from shared_rules import birth_date, telephone
from shared_rules.names import comparison_key, sort_key
from shared_rules.session import Session
from shared_rules.warnings import subjects

PAR_PAGE, PAR_PAGE_MAX = 50, 200
#: The highest page number the list serves: the staff page takes it from the referentiel, so
#: that a page past it in an address is corrected to the last page, not refused.
PAGE_MAX = 100_000
#: The longest free search, in characters (the OpenAPI document gives it too).
RECHERCHE_MAX = 200
SORTS = ("numero", "nom", "date_naissance", "specialite", "departement", "statut", "cree_le",
         "modifie_le")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
A_REVOIR = "a-revoir"  # a pseudo-status: modified after the confirmation was received
#: A pseudo-status: another person's dossier has the same birth name and birth date (issue 24:
#: registered, not refused; the bureau checks they are two people).
HOMONYME = "homonyme-possible"
#: Another pseudo-status: the candidate kept an answer the service warned about.
A_VERIFIER = "a-verifier"
#: Pseudo-statuses where pieces come back online (issue 28): pieces deposited that wait for
#: the bureau's judgement; a file found infected (quarantined: the bureau is alerted).
PIECES_A_EXAMINER = "pieces-a-examiner"
PIECE_INFECTEE = "piece-infectee"
#: The filter `amenagement`'s one value: the candidate asks for exam accommodations.
AMENAGEMENT_DEMANDE = "demande"
#: The filter `attribution`'s values besides an agent's email: the dossiers assigned to whoever
#: asks, and those assigned to nobody.
MOI, AUCUN = "moi", "aucun"


@dataclass(frozen=True)
class Query:
    """A checked list request."""

    specialites: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    statuts: tuple[str, ...] = ()
    cree_du: str | None = None
    cree_au: str | None = None
    modifie_du: str | None = None
    modifie_au: str | None = None
    recherche: tuple[str, ...] = field(default_factory=tuple)
    #: Each word of the search read as a piece of a number (O for 0, I or L for 1), or "" for
    #: a word that can't be one (see number_words).
    recherche_numeros: tuple[str, ...] = field(default_factory=tuple)
    #: The whole search read as (a piece of) a phone number, or None (telephone.search_piece).
    recherche_telephone: str | None = None
    #: Only the dossiers whose candidate asks for exam accommodations.
    amenagement: bool = False
    #: Only the dossiers assigned to this agent (an email), or to nobody (AUCUN); None: all.
    attribution: str | None = None
    tri: str = "cree_le"
    descendant: bool = False
    page: int = 1
    par_page: int = PAR_PAGE


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int,
         errors: dict[str, list[str]]) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    value = integers.parse(raw, low, high)
    if value is None:
        errors[name] = [integers.bounds_message(low, high)]
        return default
    return value


def parse_query(args: MultiDict[str, str], session: Session, *,
                moi: str | None = None) -> Query:
    """The list's query string, checked against the session's codes; 422 with every error.
    `moi`: who asks (`attribution=moi` reads as their email)."""
    errors: dict[str, list[str]] = {}
    known = {
        "specialite": {s.code for s in session.specialites},
        "departement": {d.code for d in session.departements},
        "statut": {*suivi.STATUTS, A_REVOIR, HOMONYME, A_VERIFIER, PIECES_A_EXAMINER,
                   PIECE_INFECTEE},
    }
    chosen: dict[str, tuple[str, ...]] = {}
    for name, codes in known.items():
        values = tuple(v for v in args.getlist(name) if v != "")
        unknown = [v for v in values if v not in codes]
        if unknown:
            errors[name] = [f"Valeur inconnue : {', '.join(unknown[:3])[:100]}."]
        chosen[name] = values
    dates: dict[str, str | None] = {}
    for name in ("cree_du", "cree_au", "modifie_du", "modifie_au"):
        value = args.get(name) or None
        if value is not None:
            try:
                if not _DATE.match(value):
                    raise ValueError(value)
                dt.date.fromisoformat(value)
            except ValueError:
                errors[name] = ["Indiquez une date au format AAAA-MM-JJ."]
                value = None
        dates[name] = value
    for start, end in (("cree_du", "cree_au"), ("modifie_du", "modifie_au")):
        first, last = dates[start], dates[end]
        if first is not None and last is not None and first > last:  # ISO dates sort as text
            errors[start] = [msg.DATES_INVERSEES]
    tri = args.get("tri") or "cree_le"
    descendant = tri.startswith("-")
    if tri.lstrip("-") not in SORTS:
        errors["tri"] = [f"Tri possible par : {', '.join(SORTS)} (précédé de - pour l'ordre "
                         "décroissant)."]
        tri = "cree_le"
    recherche = args.get("q") or ""
    if len(recherche) > RECHERCHE_MAX:
        errors["q"] = [f"La recherche compte au plus {RECHERCHE_MAX} caractères."]
    amenagement = args.get("amenagement") or ""
    if amenagement not in ("", AMENAGEMENT_DEMANDE):
        errors["amenagement"] = [f"Valeur possible : {AMENAGEMENT_DEMANDE}."]
    attribution = _attribution(args.get("attribution") or "", moi, errors)
    page = _int(args, "page", 1, 1, PAGE_MAX, errors)
    par_page = _int(args, "par_page", PAR_PAGE, 1, PAR_PAGE_MAX, errors)
    if errors:
        raise ApiError(422, "filtre_invalide", msg.FILTRE_INVALIDE, errors=errors)
    return Query(specialites=chosen["specialite"], departements=chosen["departement"],
                 statuts=chosen["statut"], cree_du=dates["cree_du"], cree_au=dates["cree_au"],
                 modifie_du=dates["modifie_du"], modifie_au=dates["modifie_au"],
                 recherche=search_words(recherche),
                 recherche_numeros=number_words(recherche),
                 recherche_telephone=telephone.search_piece(recherche),
                 amenagement=amenagement == AMENAGEMENT_DEMANDE, attribution=attribution,
                 tri=tri.lstrip("-"),
                 descendant=descendant, page=page, par_page=par_page)


def _attribution(typed: str, moi: str | None, errors: dict[str, list[str]]) -> str | None:
    """The filter `attribution` read: an agent's email, AUCUN, or None (no filter)."""
    if typed == "":
        return None
    if typed == MOI:
        return moi or ""  # a script without a name: assigned to nobody by that name
    if typed == AUCUN or account_email(typed) is not None:
        return typed
    errors["attribution"] = [f"Valeur possible : {MOI}, {AUCUN} ou l'adresse d'un "
                             "gestionnaire."]
    return None


def _haystack(entry: Mapping[str, Any]) -> str:
    """The entry's names, email and number, each reduced to the identity rule's comparison key
    (case, accents, apostrophes, hyphens and spaces ignored: « N'Diaye » → « ndiaye »), one
    field after the other, then each first name alone and all of them together."""
    prenoms = list(entry["prenoms"])
    parts = [entry["nom_naissance"], entry.get("nom_usage") or "", *prenoms, " ".join(prenoms),
             entry.get("specialite_autre") or "", entry.get("courriel") or "", entry["numero"]]
    return "|".join(search_key(part) for part in parts)


_ASCII_SEPARATORS = str.maketrans("", "", " -'\t\n\r\x0b\x0c")


@functools.lru_cache(maxsize=65_536)
def _full_key(text: str) -> str:
    return comparison_key(text)


def search_key(text: str) -> str:
    """`comparison_key`, fast: for ASCII text (most names, every number) it is the text in lower
    case without separators, computed without Unicode normalisation (20,000 summaries are
    searched at each keystroke); other text goes through the rule itself, remembered."""
    if text.isascii():
        return text.lower().translate(_ASCII_SEPARATORS)
    return _full_key(text)


def search_words(typed: str) -> tuple[str, ...]:
    """The words of a search, each as its comparison key: « Jean-Baptiste N'Diaye » →
    (« jeanbaptiste », « ndiaye »); separators inside a word are ignored, so « jean baptiste »
    also finds « Jean-Baptiste »."""
    return tuple(key for word in typed.split() if (key := search_key(word)))


def number_words(typed: str) -> tuple[str, ...]:
    """`search_words`'s words read as pieces of a number, as « mon dossier » reads one (issue
    26, item 7: « 7K3M-Q9PO » typed with O for 0): symbols of the number alphabet once O, I
    and L are read as digits, in a search typed with a digit, or four symbols long at least (a
    short name alone, « Leo », is not read as « 1E0 »); "" for any other word."""
    with_digit = any(c.isdigit() for c in typed)

    def piece(word: str) -> str:
        paper = paper_reference(word)
        if paper is not None:  # a whole number, or a confirmation's barcode « …-V3 »
            return paper.numero
        symbols = typed_part(word)
        usable = all(c in ALPHABET for c in symbols) and (with_digit or len(symbols) >= 4)
        return symbols if usable else ""
    return tuple(piece(word) for word in typed.split() if search_key(word))


def _in_range(stamp: str, start: str | None, end: str | None) -> bool:
    day = stamp[:10]  # stored in the session's local time: its date is the local date
    return (start is None or day >= start) and (end is None or day <= end)


def homonym_groups(entries: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The homonym groups (shared_rules.identity) that hold more than one dossier."""
    counts = Counter(entry.get("groupe") for entry in entries)
    return frozenset(group for group, n in counts.items() if group and n > 1)


def _flags(entry: Mapping[str, Any], homonyms: frozenset[str]) -> set[str]:
    """The pseudo-statuses a summary carries."""
    flags = set()
    if suivi.a_revoir(entry, entry["version"]):
        flags.add(A_REVOIR)
    if entry.get("groupe") in homonyms:
        flags.add(HOMONYME)
    if entry.get("avertissements"):
        flags.add(A_VERIFIER)
    if entry.get("pieces_a_examiner"):
        flags.add(PIECES_A_EXAMINER)
    if entry.get("piece_infectee"):
        flags.add(PIECE_INFECTEE)
    return flags


def matches(entry: Mapping[str, Any], query: Query,
            homonyms: frozenset[str] = frozenset()) -> bool:
    """True if a summary passes every filter of the query (`homonyms`: homonym_groups of the
    whole index)."""
    if query.specialites and entry["specialite"] not in query.specialites:
        return False
    if query.departements and entry["departement"] not in query.departements:
        return False
    if query.statuts:
        if suivi.etat(entry, entry["version"]) not in query.statuts and not _flags(
                entry, homonyms) & set(query.statuts):
            return False
    if not _in_range(entry["cree_le"], query.cree_du, query.cree_au):
        return False
    if not _in_range(entry["modifie_le"], query.modifie_du, query.modifie_au):
        return False
    if query.amenagement and not entry.get("amenagement"):
        return False
    if query.attribution is not None and (entry.get("attribue_a") or AUCUN) != query.attribution:
        return False
    if query.recherche_telephone and query.recherche_telephone in (entry.get("telephone") or ""):
        return True  # « 06 12 34 56 78 » is one phone number, not five words
    if query.recherche:
        haystack = _haystack(entry)
        numero = entry["numero"]
        return all(word in haystack or (number and number in numero)
                   for word, number in zip(query.recherche, query.recherche_numeros,
                                           strict=True))
    return True


def _sort_key(tri: str) -> Any:
    if tri == "nom":
        return lambda e: (sort_key(e["nom_naissance"]), sort_key(" ".join(e["prenoms"])),
                          e["numero"])
    if tri == "numero":
        return lambda e: e["numero"]
    if tri == "date_naissance":  # `1996` before `1996-05-17`: the ISO forms sort as text
        return lambda e: (e.get("date_naissance") or "", e["numero"])
    if tri == "statut":  # the workflow's order, not the codes' alphabet
        order = {code: rank for rank, code in enumerate(suivi.WORKFLOW)}
        return lambda e: (order[suivi.etat(e, e["version"])], e["numero"])
    return lambda e: (e[tri], e["numero"])


def select(entries: Iterable[Mapping[str, Any]], query: Query) -> list[Mapping[str, Any]]:
    """Every summary that passes the filters, sorted (the whole selection: exports); one whose
    homonym group holds another dossier of the index carries `homonyme_possible`."""
    every = list(entries)
    homonyms = homonym_groups(every)
    chosen = [({**e, "homonyme_possible": True} if e.get("groupe") in homonyms else e)
              for e in every if matches(e, query, homonyms)]
    chosen.sort(key=_sort_key(query.tri), reverse=query.descendant)
    return chosen


def page(selection: list[Mapping[str, Any]], query: Query,
         session: Session) -> dict[str, Any]:
    """One page of a selection, each summary with its labels."""
    start = (query.page - 1) * query.par_page
    return {
        "total": len(selection),
        "page": query.page,
        "par_page": query.par_page,
        "pages": max(1, -(-len(selection) // query.par_page)),
        "dossiers": [labelled(e, session) for e in selection[start:start + query.par_page]],
    }


def labelled(entry: Mapping[str, Any], session: Session) -> dict[str, Any]:
    """A summary as the staff reads it: the number as printed, labels, the review flag."""
    departement = session.departement(entry["departement"])
    return {
        "numero": display(entry["numero"]),
        "nom_naissance": entry["nom_naissance"],
        "nom_usage": entry.get("nom_usage"),
        "prenoms": list(entry["prenoms"]),
        # As stored, and as the papers print it (« 17/05/1998 », « 00/00/1996 »); None in an
        # entry written before the index carried it (until `rebuild-index`).
        "date_naissance": entry.get("date_naissance"),
        "date_naissance_libelle": _birth_date_label(entry.get("date_naissance")),
        "specialite": entry["specialite"],
        "specialite_libelle": recapitulatif.specialite_libelle(
            session, entry["specialite"], entry.get("specialite_autre")),
        "departement": entry["departement"],
        "departement_nom": departement.nom if departement else entry["departement"],
        "cree_le": entry["cree_le"],
        "modifie_le": entry["modifie_le"],
        "version": entry["version"],
        # As the bureau reads it: `a-revoir` once modified after its confirmation (issue 26).
        "statut": suivi.etat(entry, entry["version"]),
        "statut_libelle": suivi.ETATS[suivi.etat(entry, entry["version"])],
        "revision": entry["revision"],
        "a_revoir": suivi.a_revoir(entry, entry["version"]),
        "homonyme_possible": bool(entry.get("homonyme_possible")),
        **({key: entry[key] for key in ("avertissements", "confirmation_residence")}
           if entry.get("avertissements") else {}),
        # What the warnings are about, in the bureau's words (the residence has its own mark).
        "a_verifier": [s for s in subjects(entry.get("avertissements") or {})
                       if s != "résidence"],
        "amenagement_demande": bool(entry.get("amenagement")),
        "attribue_a": entry.get("attribue_a"),
        # Pieces returned online (issue 28): how many wait for a judgement; an infected file.
        "pieces_a_examiner": int(entry.get("pieces_a_examiner") or 0),
        "piece_infectee": bool(entry.get("piece_infectee")),
    }


def _birth_date_label(stored: str | None) -> str | None:
    if stored is None:
        return None
    born = birth_date.parse(stored)
    return birth_date.display(born) if born else stored
