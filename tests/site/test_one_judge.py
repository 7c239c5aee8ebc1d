"""« One judge »: the browser's check never refuses a dossier the server accepts, and on the
rules that come from the exported data it agrees with the server exactly, field paths and
messages included.

The browser's check is `verifier(dossier, regles)`, the ES module
site/docs/assets/javascripts/candidats/formulaire/verification.js, imported in Chromium on the
built site and called on a batch of dossiers per `page.evaluate` (one page load for every test
here). The server's is `shared_rules.validate`, what POST /api/dossiers/verification runs.
Dossiers come from hypothesis (a near-valid dossier with a few fields changed) and from tables
that run through the exported rules exhaustively: every EPS pair, every speciality with its
units and resit years, every département with its postcodes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shared_rules
from shared_rules.export import export_rules
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.factories import DELETE, make_dossier, with_changes
from tests.shared_rules.test_contradictions import CONTRADICTIONS, WARNED
from tests.shared_rules.test_real_people import PEOPLE, REFUSED

Dossier = dict[str, Any]
Erreurs = dict[str, list[str]]
Juge = Callable[[list[Dossier]], list[Erreurs]]

_SESSION = shared_rules.get_session(DEFAULT_SESSION_CODE)
assert _SESSION is not None
REGLES: dict[str, Any] = json.loads(json.dumps(export_rules(_SESSION)))
#: Dossiers judged per browser call, and examples per property: modest, so that this runs in
#: seconds; the corpus sizes land in tests/artifacts/site/un-juge.json.
LOT = 8
EXEMPLES = 40
CORPUS: dict[str, int] = {}

_IMPORT = """async () => {
  const base = document.baseURI;
  const module = await import(
    new URL("assets/javascripts/candidats/formulaire/verification.js", base));
  const regles = await (await fetch(new URL("assets/rules.json", base))).json();
  window.juger = (dossiers) => dossiers.map((d) => module.verifier(d, regles));
  window.avertir = (dossiers) => dossiers.map((d) => module.avertissements(d, regles));
}"""


@pytest.fixture(scope="module")
def juge(browser: Any, site_url: str, artifacts: Path) -> Iterator[Juge]:
    """The browser's check, called on a batch of dossiers at a time."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(site_url + "formulaire.html", wait_until="networkidle")
    page.evaluate(_IMPORT)

    def juger(dossiers: list[Dossier]) -> list[Erreurs]:
        resultat: list[Erreurs] = page.evaluate("dossiers => window.juger(dossiers)", dossiers)
        return resultat

    def avertir(dossiers: list[Dossier]) -> list[Erreurs]:
        resultat: list[Erreurs] = page.evaluate("dossiers => window.avertir(dossiers)", dossiers)
        return resultat

    juger.avertir = avertir  # type: ignore[attr-defined]

    yield juger
    context.close()
    (artifacts / "un-juge.json").write_text(json.dumps(CORPUS, indent=2), encoding="utf-8")


def _compter(nom: str, n: int) -> None:
    CORPUS[nom] = CORPUS.get(nom, 0) + n


def _codes(liste: str) -> list[str]:
    return [item["code"] for item in REGLES[liste]]


# -- values, valid or not, as a candidate (or a broken client) might send them -----------------

LETTRES = "abcdeéèëïôÿçœæøñÑÉÀ"
noms = st.one_of(
    st.sampled_from(["L'Haÿ-Cœur", "Ñúñez-Ødegård", "De La Tour", "O’Connor", "Μαρία", "Nguyễn",
                     "Dupont2", "<b>", "Jean--Pierre", "-Jean", "Jean-", "A\u200dB", "é", "漢字",
                     "  Marie   Ève ", "Noe\u0308l", "", "   ", "A" * 81, "'t Hart",
                     "Martin--Lefèvre", "Marie, Louise", "Jean\tPierre", "a\x00b"]),
    st.text(alphabet=LETTRES + " -'’,/", max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
lieux = st.one_of(
    st.sampled_from(["Limoges", "Saint-Junien", "Paris 15e", "Ville (Haute-Vienne)", "St. Denis",
                     "_Limoges", "Lim_oges", "Ville?", "", "Ⅻ Ville", "½ ville", "x" * 101,
                     "Washington, D.C.", "'s-Hertogenbosch", "Tbilissi / Tiflis", "75015",
                     "Ville\u202eNord"]),
    st.text(alphabet=LETTRES + " -'’.,/()0123456789?", max_size=15),
)
emails = st.one_of(
    st.sampled_from(["marie@exemple.fr", "a@localhost", "a@b", "@exemple.fr", "marie@", "",
                     "marie.dupont@sous.domaine.fr", "\"marie dupont\"@exemple.fr",
                     "marie@[192.168.0.1]", "marie@exemple..fr", "marie@-exemple.fr",
                     "élodie@exemple.fr", "marie@exemple.fr ", "a" * 250 + "@b.fr",
                     "jean@école.fr", "marie@exemple.test", '"a\x01b"@exemple.fr']),
    st.builds("{}@{}.{}".format, st.text(alphabet="abc.+-_", min_size=1, max_size=6),
              st.text(alphabet="abc-", min_size=1, max_size=6),
              st.text(alphabet="abcfr", min_size=1, max_size=4)),
)
telephones = st.one_of(
    st.none(),
    st.sampled_from(["05 55 12 34 56", "0555123456", "+33 5 55 12 34 56", "05.55.12.34.56",
                     "05-55-12-34-56", "0٥٥٥١٢٣٤٥٦", "555", "", "+3355", "06 12 34 56 7a",
                     "+33 (0)6 12 34 56 78", "+33(0)612345678", "(0)6 12 34 56 78",
                     "+33 (1)6 12 34 56 78", " +44 (0)20 7946 0958", "+33 (0) (0)6 12 34 56"]),
    st.text(alphabet="0123456789 .+-()", max_size=16),
)
codes_postaux = st.one_of(
    st.sampled_from(["87100", "87000", "19000", "23000", "75001", "8710", "871000", "87 100",
                     "８７１００", "٨٧١٠٠", "20000", "97100", ""]),
    st.text(alphabet="0123456789 ", min_size=4, max_size=6),
)
departements = st.sampled_from(["19", "23", "87", "75", "2A", "2a", "2B", "971", "7", "", "87 ",
                                "X1"])
etablissements = st.one_of(st.none(), st.sampled_from(
    [d["etablissement"]["code"] for d in REGLES["departements"]]
    + ["CNED", "cned-limoges", "Enseignement à distance", "enseignement a distance",
       "IND-75", "autre"]))
dates = st.one_of(
    st.dates(min_value=dt.date(1890, 1, 1),
             max_value=dt.date(2012, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(["2003-12-31", "2004-01-01", "1900-01-01", "1899-12-31", "1998-02-30",
                     "17/05/1998", "1998-5-17", "", "0000-01-01", "1996", "1996-03", "2003",
                     "2004", "2003-12", "1998-00-00", "1998-13", "0000", "1899"]),
)
activites = st.sampled_from([a["code"] for a in REGLES["eps"]["activites"]] + ["natation"])
unites = st.sampled_from(_codes("unites") + ["ep1", "ep2", "ep3", "inconnue"])
facultatives = st.sampled_from(_codes("unites_facultatives") + ["inconnue"])
langues = st.sampled_from([lang["code"] for lang in REGLES["langues_vivantes"]["liste"]]
                          + ["klingon", "autre"])
annees = st.integers(min_value=1940, max_value=2025)
notes = st.one_of(st.integers(min_value=0, max_value=21),
                  st.floats(min_value=0, max_value=21, allow_nan=False).map(lambda x: round(x, 2)))
specialites = st.sampled_from(_codes("specialites") + ["inconnue"])

epreuve_facultative = st.fixed_dictionaries(
    {"unite": facultatives}, optional={"langue": st.one_of(st.none(), langues),
                                       "langue_autre": st.sampled_from([None, "Arabe", ""])})
dispense = st.fixed_dictionaries({"unite": unites, "diplome": st.sampled_from(["Bac pro", ""]),
                                  "annee": annees})
benefice = st.fixed_dictionaries({"unite": unites, "annee": annees, "note": notes})
eps = st.one_of(
    st.fixed_dictionaries({"dispense": st.booleans(),
                           "activites": st.lists(activites, max_size=3)}),
    st.sampled_from([{}, {"dispense": 1}, {"dispense": "oui"}, "dispensé", None]),
)
amenagement = st.fixed_dictionaries({"demande": st.booleans()}, optional={
    "decision_anterieure": st.booleans(),
    "precisions": st.one_of(st.none(), st.sampled_from(
        ["Tiers temps", "", "<script>", "Tiers temps.\nSalle au rez-de-chaussée",
         "taux d'incapacité > 80 %", "a\r\n\r\n\r\nb\t c", "\n\n", "nul\x00", "x\u202e"]),
        st.text(alphabet="ab \n\r\t<>", max_size=12))})
rattrapage = st.one_of(st.none(), st.fixed_dictionaries(
    {"annee_echec": st.integers(min_value=2010, max_value=2022)}))


def _ou_absent(valeurs: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valeurs, st.just(DELETE))


#: Any field, any plausible value: what the soundness property runs through.
CHAMPS: dict[str, st.SearchStrategy[Any]] = {
    "specialite": _ou_absent(specialites),
    "specialite_autre": st.one_of(st.none(), lieux),
    "etat_civil.nom_naissance": _ou_absent(noms),
    "etat_civil.nom_usage": st.one_of(st.none(), noms),
    "etat_civil.prenoms": st.lists(noms, max_size=21),
    "etat_civil.sans_prenom": st.sampled_from([True, False, None, "oui", DELETE]),
    "etat_civil.sexe": _ou_absent(st.sampled_from(["F", "M", "f", "X", "", None])),
    "etat_civil.date_naissance": _ou_absent(dates),
    "etat_civil.commune_naissance": _ou_absent(lieux),
    "etat_civil.pays_naissance": lieux,
    "contact.email": _ou_absent(emails),
    "contact.telephone": telephones,
    "contact.adresse": st.sampled_from(["12 rue de la Paix", "", "a<b", "x" * 201]),
    "contact.code_postal": _ou_absent(codes_postaux),
    "contact.commune": lieux,
    "contact.departement": _ou_absent(departements),
    "etablissement": _ou_absent(etablissements),
    "forme_passage": _ou_absent(st.sampled_from(["globale", "progressive", "mixte"])),
    "unites_presentees": st.lists(unites, max_size=4),
    "eps": _ou_absent(eps),
    "langue_vivante": st.one_of(st.none(), langues),
    "langue_vivante_autre": st.one_of(st.none(), st.sampled_from(["Arabe", "", "  ", 5])),
    "epreuves_facultatives": st.lists(epreuve_facultative, max_size=4),
    "dispenses": st.lists(dispense, max_size=3),
    "benefices": st.lists(benefice, max_size=3),
    "amenagement": _ou_absent(amenagement),
    "rattrapage": rattrapage,
    "attestation_exactitude": st.sampled_from([True, False, 1, "oui", None, DELETE]),
}

#: The fields whose rules come from the exported data, with values of the right shape.
REGLES_DES_DONNEES: dict[str, st.SearchStrategy[Any]] = {
    "specialite": specialites,
    "specialite_autre": st.one_of(st.none(), st.sampled_from(["Accordeur de pianos"])),
    "etat_civil.date_naissance": st.dates(
        min_value=dt.date(1899, 6, 1),
        max_value=dt.date(2006, 12, 31)).map(lambda d: d.isoformat()),
    "contact.departement": st.sampled_from(["19", "23", "87", "75", "2A", "971"]),
    "contact.code_postal": st.sampled_from(["19100", "23000", "87100", "75001", "20000",
                                            "97100", "87000"]),
    "etablissement": etablissements,
    "forme_passage": st.sampled_from(["globale", "progressive", "mixte"]),
    "unites_presentees": st.lists(unites, max_size=4),
    "eps": st.fixed_dictionaries({"dispense": st.booleans(),
                                  "activites": st.lists(activites, max_size=3)}),
    "langue_vivante": st.one_of(st.none(), langues),
    "langue_vivante_autre": st.one_of(st.none(), st.sampled_from(["Arabe", "", "  ", 5])),
    "epreuves_facultatives": st.lists(epreuve_facultative, max_size=3),
    # Issue 17: items with a field missing or of the wrong shape beside fields the rules judge.
    "dispenses": st.lists(st.fixed_dictionaries(
        {"unite": unites}, optional={"diplome": st.sampled_from(["Bac pro", ""]),
                                     "annee": st.one_of(annees, st.just("98"))}), max_size=3),
    "benefices": st.lists(st.fixed_dictionaries(
        {"unite": unites}, optional={"annee": annees,
                                     "note": st.one_of(notes, st.sampled_from([-1, 25, "12"]))}),
        max_size=3),
    "amenagement": st.fixed_dictionaries({"demande": st.booleans(),
                                          "decision_anterieure": st.booleans()}),
    "rattrapage": rattrapage,
}


@st.composite
def dossiers(draw: st.DrawFn, champs: dict[str, st.SearchStrategy[Any]]) -> Dossier:
    """The example dossier with one to five of `champs` changed (or removed)."""
    chemins = draw(st.lists(st.sampled_from(sorted(champs)), min_size=1, max_size=5, unique=True))
    return with_changes(make_dossier(), {chemin: draw(champs[chemin]) for chemin in chemins})


def _inclus(navigateur: Erreurs, serveur: Erreurs) -> bool:
    """Every field the browser refuses, the server refuses too. (Messages are compared where
    the rules come from the data, below: on a malformed value the server may word its message
    differently, e.g. marshmallow's own « Not a valid boolean. » for attestation_exactitude.)"""
    return set(navigateur) <= set(serveur)


# -- the properties ----------------------------------------------------------------------------

_REGLAGES = settings(max_examples=EXEMPLES, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_REGLAGES
@given(st.lists(dossiers(CHAMPS), min_size=LOT, max_size=LOT))
def test_the_browser_never_refuses_what_the_server_accepts(juge: Juge,
                                                           lot: list[Dossier]) -> None:
    """Field by field: every field the browser refuses, the server refuses too."""
    _compter("navigateur_jamais_plus_strict", len(lot))
    for dossier, navigateur in zip(lot, juge(lot), strict=True):
        serveur = shared_rules.validate(dossier)
        _compter("dont_acceptes_par_le_serveur", not serveur)
        assert _inclus(navigateur, serveur), (dossier, navigateur, serveur)


@_REGLAGES
@given(st.lists(dossiers(REGLES_DES_DONNEES), min_size=LOT, max_size=LOT))
def test_on_the_rules_from_the_data_browser_and_server_agree_exactly(
        juge: Juge, lot: list[Dossier]) -> None:
    _compter("accord_exact_genere", len(lot))
    for dossier, navigateur in zip(lot, juge(lot), strict=True):
        assert navigateur == shared_rules.validate(dossier), dossier


def _tables() -> list[Dossier]:
    """Every EPS choice over the activities, every speciality with its resit years and its
    units, every département with every postcode prefix, the majority's boundary."""
    codes = [a["code"] for a in REGLES["eps"]["activites"]]
    tables: list[dict[str, Any]] = []
    for premiere, seconde in itertools.product(codes, repeat=2):
        tables.append({"eps": {"dispense": False, "activites": [premiere, seconde]}})
    tables += [{"eps": {"dispense": True, "activites": a}} for a in ([], codes[:1], codes[:2])]
    tables += [{"eps": {"dispense": False, "activites": a}} for a in ([], codes[:1], codes[:3])]
    for specialite in REGLES["specialites"]:
        code = specialite["code"]
        for annee in (None, 2015, 2016, 2020, 2021):
            tables.append({"specialite": code,
                           "rattrapage": None if annee is None else {"annee_echec": annee}})
        tables.append({"specialite": code, "forme_passage": "progressive",
                       "unites_presentees": _codes("unites")})
        # issue 13: an unconfirmed compulsory language is accepted; « autre » needs its label.
        tables += [{"specialite": code, "langue_vivante": langue}
                   for langue in ("anglais", "klingon", None)]
        tables += [{"specialite": code, "specialite_autre": libelle}
                   for libelle in ("Accordeur de pianos", "   ", None)]
        tables.append({"specialite": code,
                       "epreuves_facultatives": [{"unite": u, "langue": None}
                                                 for u in _codes("unites_facultatives")]})
        tables.append({"specialite": code,
                       "dispenses": [{"unite": u, "diplome": "Bac pro", "annee": 2010}
                                     for u in REGLES["dispenses"]["unites"]]})
        tables.append({"specialite": code,
                       "benefices": [{"unite": u, "annee": 2018, "note": 12}
                                     for u in REGLES["benefices"]["unites"]]})
    for departement in REGLES["departements"]:
        for autre in REGLES["departements"]:
            tables.append({"contact.departement": departement["code"],
                           "contact.code_postal": f"{autre['code']}100",
                           "etablissement": autre["etablissement"]["code"]})
    tables += [{"etablissement": e} for e in ("enseignement a distance", "ENSEIGNEMENT À DISTANCE",
                                              "Enseignement a distance (CNED)")]
    # issue 13: every contradiction, and each one's parts alone or in another form.
    tables += [changements for _, changements, _ in CONTRADICTIONS]
    # Issue 24: the real people the notice allows, what it forbids, the doubtful years.
    tables += [changements for _, changements, _ in PEOPLE + REFUSED + WARNED]
    tables += [{"etat_civil.date_naissance": date} for date in (
        "1996", "1996-02", "2003", "2004", "2003-12", "1899", "1899-12-31", "1998-00-00")]
    tables += [{"etat_civil.prenoms": prenoms, "etat_civil.sans_prenom": sans}
               for prenoms in ([], ["Kusno"]) for sans in (True, False)]
    tables += [{"specialite": "autre", "specialite_autre": libelle} for libelle in (
        "Couvreur", "Peintre applicateur de revêtement", "Menuisier", "Cuisine", "Μαρία")]
    tables += [{"specialite": "petite-enfance", "rattrapage": {"annee_echec": annee}}
               for annee in (2014, 2015, 2021)]
    tables += [{"langue_vivante": langue, "langue_vivante_autre": libelle,
                "epreuves_facultatives": [{"unite": "langue-vivante", "langue": facultative,
                                           "langue_autre": autre}]}
               for langue, libelle in (("autre", "Arabe"), ("autre", None), ("anglais", "Arabe"),
                                       ("anglais", None))
               for facultative, autre in (("autre", "arabe"), ("anglais", None),
                                          ("autre", None), (None, "Turc"))]
    tables += [{"dispenses": [{"unite": u, "diplome": "CAP", "annee": a}]}
               for u in ("ep1", "ep3", "francais-histoire-geographie")
               for a in (98, 1997, 1998, 2011, 2012, 2020, 2021)]
    tables += [{"etablissement": e} for e in ("Individuels Haute-Vienne",
                                              "INDIVIDUELS HAUTE VIENNE", "Individuels Creuse")]
    for forme in (["eps"], ["ep1"],
                  ["francais-histoire-geographie", "langue-vivante"]):
        for eps in ({"dispense": False, "activites": []}, {"dispense": True, "activites": []},
                    {"dispense": False, "activites": ["demi-fond", "badminton"]}):
            for benefice in ("eps", "langue-vivante", "ep1"):
                tables.append({"forme_passage": "progressive", "unites_presentees": forme,
                               "eps": eps, "langue_vivante": "anglais",
                               "benefices": [{"unite": benefice, "annee": 2019, "note": 12}]})
    for naissance in ("1998-05-17", "2003-12-31", "2004-01-01", "1900-01-01"):
        for annee in (1913, 1914, 2011, 2012, 2016, 2017):
            tables.append({"etat_civil.date_naissance": naissance,
                           "dispenses": [{"unite": "francais-histoire-geographie",
                                          "diplome": "Bac pro", "annee": annee}],
                           "benefices": [{"unite": "eps", "annee": min(max(annee, 2016), 2020),
                                          "note": 12}]})
    # Issue 17: every item of a nested list reports all its problems in one answer.
    facultative = _codes("unites_facultatives")[0]
    tables += [
        {"dispenses": [{"unite": "francais-histoire-geographie", "annee": 98}],
         "benefices": [{"unite": "eps", "annee": 2019, "note": 8.5}]},
        {"dispenses": [{"unite": "inconnue", "diplome": "", "annee": "98"},
                       {"unite": "eps", "diplome": "Bac pro", "annee": 1800},
                       {"unite": "eps", "annee": 2030}]},
        {"benefices": [{"unite": "eps", "annee": 2030, "note": 25},
                       {"unite": "ep1", "note": -1},
                       {"annee": 2019, "note": "douze"}, {"unite": "eps", "note": 9}]},
        {"epreuves_facultatives": [{"unite": "inconnue", "langue": 5},
                                   {"unite": facultative, "langue": "klingon"},
                                   {"unite": facultative, "autre": 1}]},
        {"dispenses": [5, {"unite": "eps", "diplome": "Bac pro", "annee": 1800}]},
        {"dispenses": [{}, {"unite": "eps", "diplome": "Bac pro", "annee": 1800}]},
        {"dispenses": [{"diplome": "Bac pro"}, {"unite": "eps", "diplome": "", "annee": 1800}],
         "benefices": [{"unite": "eps", "annee": 2019, "note": 21}]},
        {"etat_civil.prenoms": ["", "a<b", "Jean", 5],
         "benefices": [{"unite": "eps", "annee": 2019, "note": 20.5}]},
    ]
    # Issue 17: the addresses mail can't reach, each with its reason (email-validator's own
    # last check, e.g. a `.test` domain, is the server's alone: the soundness property).
    tables += [{"contact.telephone": numero} for numero in (
        "+33 (0)6 12 34 56 78", "+33(0)612345678", "(0)6 12 34 56 78", "+33 (1)6 12 34 56 78",
        "+33 (0) (0)6 12 34 56", "+٣٣ (0)6 12 34 56 78")]
    tables += [{"contact.email": adresse} for adresse in (
        "inès.rousseau@exemple.fr", "李雷@exemple.fr", '"x,y@evil.example"@exemple.fr',
        '"a\x01b"@exemple.fr', "a@localhost", "a@[127.0.0.1]", "marie@exemple..fr",
        "jean@école.fr", "marie@exemple.fr")]
    # A line missing one part (issue 29: each says which), absent or null.
    tables += [{"dispenses": [{"diplome": "CAP Cuisine"}]},
               {"dispenses": [{"unite": None, "diplome": "CAP Cuisine", "annee": None}]},
               {"benefices": [{"unite": "ep1"}]},
               {"benefices": [{"unite": None, "annee": None, "note": None}]}]
    limite = REGLES["majorite"]["date_naissance_max"]
    for date in (limite, "2004-01-01", REGLES["limites"]["date_naissance_min"], "1899-12-31"):
        tables.append({"etat_civil.date_naissance": date})
    return [with_changes(make_dossier(), changements) for changements in tables]


def test_on_tables_of_the_exported_rules_browser_and_server_agree_exactly(juge: Juge) -> None:
    tables = _tables()
    _compter("accord_exact_tables", len(tables))
    desaccords = [(d, n, shared_rules.validate(d))
                  for d, n in zip(tables, juge(tables), strict=True)
                  if n != shared_rules.validate(d)]
    assert desaccords == []
    refusees = sum(1 for d in tables if shared_rules.validate(d))
    assert 0 < refusees < len(tables)  # the tables hold both kinds


def test_browser_and_server_give_the_same_warnings(juge: Juge) -> None:
    """Issue 24: every warning (never a refusal), on the tables and on dossiers of the wrong
    shape near them."""
    lot = _tables() + [with_changes(make_dossier(), {"dispenses": [
        {"unite": 5}, {"unite": "eps", "diplome": "CAP", "annee": 2005}]})]
    _compter("avertissements_tables", len(lot))
    navigateur = juge.avertir(lot)  # type: ignore[attr-defined]
    desaccords = [(d, n) for d, n in zip(lot, navigateur, strict=True)
                  if n != shared_rules.warnings(d)]
    assert desaccords == []
    assert 0 < sum(1 for a in navigateur if a) < len(lot)


@_REGLAGES
@given(st.lists(dossiers(CHAMPS), min_size=LOT, max_size=LOT))
def test_browser_and_server_give_the_same_warnings_on_any_dossier(juge: Juge,
                                                                   lot: list[Dossier]) -> None:
    _compter("avertissements_generes", len(lot))
    navigateur = juge.avertir(lot)  # type: ignore[attr-defined]
    for dossier, avertis in zip(lot, navigateur, strict=True):
        assert avertis == shared_rules.warnings(dossier), dossier


def test_browser_and_server_give_the_same_postcode_warnings(juge: Juge) -> None:
    """Issue 13: the warning (never a refusal) on every département × postcode prefix."""
    prefixes = ["19", "23", "87", "16", "46", "03", "75", "20", "97"]
    lot = [with_changes(make_dossier(), {"contact.departement": dep, "contact.code_postal": code,
                                         "etablissement": None})
           for dep in ["19", "23", "87", "33", "2A"]
           for code in [f"{p}100" for p in prefixes] + ["8 7 1 0 0", "abc", ""]]
    _compter("avertissements", len(lot))
    navigateur = juge.avertir(lot)  # type: ignore[attr-defined]
    assert navigateur == [shared_rules.warnings(d) for d in lot]
    assert 0 < sum(1 for a in navigateur if a) < len(lot)  # both kinds
