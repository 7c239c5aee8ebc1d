"""The built site: every fact of the notice on its page, from the data; private by construction."""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import material
import pytest

import shared_rules
from handler.platform.site_caching import IMMUTABLE, REVALIDATE, cache_control
from shared_rules.dates_fr import date_courte, date_heure_longue, date_longue
from shared_rules.eps import pair_label
from shared_rules.export import A_CONFIRMER, export_rules
from shared_rules.pieces import CONDITION_LABELS
from shared_rules.session import DEFAULT_SESSION_CODE, Session
from shared_rules.site_pages import CHAMPS
from tests.perf.page_weight import PAGES as PAGE_WEIGHT_PAGES
from tests.perf.page_weight import budget, page_weight
from tests.site.conftest import PAGES, ROOT

THEME = Path(material.__file__).parent / "templates"


class _Page(HTMLParser):
    """A page's visible text (one space between words) and its tags of interest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.sources: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "link":
            self.links.append(attributes)
        if tag in ("img", "iframe", "source", "audio", "video", "embed") and attributes.get("src"):
            self.sources.append(str(attributes["src"]))
        if tag in ("td", "th", "li", "p", "br", "h1", "h2", "h3", "address"):
            self.words.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.words))


def read_page(built_site: Path, name: str) -> _Page:
    parser = _Page()
    parser.feed((built_site / name).read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def session() -> Session:
    found = shared_rules.get_session(DEFAULT_SESSION_CODE)
    assert found is not None
    return found


def _plain(markdown: str) -> str:
    return re.sub(r"\s+", " ", markdown.replace("**", "")).strip()


def test_notice_page_states_every_fact_of_the_notice_from_the_data(
        built_site: Path, session: Session) -> None:
    text = read_page(built_site, "notice.html").text
    expected = [
        # both registry dates, with their hours
        f"du {date_heure_longue(session.ouverture)} au {date_heure_longue(session.cloture)}",
        # the return deadline and whom to send to
        f"au plus tard le {date_longue(session.date_limite_retour)}",
        session.destinataire,
        # who may register
        date_courte(session.majorite_au),
        date_longue(shared_rules.last_adult_birth_date(session)).split(" ", 1)[1],
        # the screens: exam, académie, session, category, refused establishments
        f"l'examen ({session.examen_code})", f"l'académie ({session.academie_code})",
        f"la session ({session.session})", f"« {session.categorie} »",
        *session.etablissements_refuses_aux_majeurs,
        # the three départements and their establishments, row by row
        *(f"{d.nom} ({d.code}) {d.etablissement.libelle}" for d in session.departements),
        # the recommended form, the EPS exemption and the five pairs
        *(f.libelle for f in session.formes_passage), "« dispensé »",
        f"parmi les {len(session.eps_activites)} proposées",
        *(pair_label(c.activites, session) for c in session.eps_combinaisons),
        # the pieces in the notice's words, then each with its condition
        *(_plain(p.texte_notice) for p in session.pieces),
        *(f"{p.libelle} {CONDITION_LABELS[p.condition]}" for p in session.pieces),
        # the 18/20 November conflict, in the rules' own words
        shared_rules.late_return_message(session),
    ]
    missing = [fact for fact in expected if fact not in text]
    assert missing == []
    assert len(session.eps_combinaisons) == 5 and len(session.departements) == 3


def test_notice_page_names_every_speciality_that_needs_the_scaffolding_certificate(
        built_site: Path, session: Session) -> None:
    text = read_page(built_site, "notice.html").text
    for specialite in session.specialites:
        if specialite.attestation_echafaudage:
            assert specialite.libelle in text
        if specialite.rattrapage:
            assert (f"de {specialite.rattrapage.annee_min} à {specialite.rattrapage.annee_max}"
                    in text)


def test_unconfirmed_address_is_shown_a_confirmer(built_site: Path, session: Session) -> None:
    assert session.adresse.a_confirmer  # the day it is confirmed, this test changes with it
    for name in ("index.html", "notice.html"):
        text = read_page(built_site, name).text
        assert all(line in text for line in session.adresse.lignes)
        assert f"Cette adresse est {A_CONFIRMER} avant tout envoi." in text
        assert f"{session.adresse.commune} (code postal {A_CONFIRMER})" in text


def test_home_page_gives_the_steps_the_registry_state_and_the_conflict(
        built_site: Path, session: Session) -> None:
    text = read_page(built_site, "index.html").text
    ouverture, cloture = date_heure_longue(session.ouverture), date_heure_longue(session.cloture)
    for fact in [
        "Pré-inscrivez-vous en ligne", "Notez votre numéro d'inscription",
        "Imprimez votre confirmation d'inscription", "signez-la",
        "Envoyez-la avec les pièces demandées", "Votre inscription devient alors définitive.",
        f"Avant le {ouverture} : le registre n'est pas encore ouvert.",
        f"Du {ouverture} au {cloture} : le registre est ouvert.",
        f"À partir du {cloture} : le registre est clos.",
        f"au plus tard le {date_longue(session.date_limite_retour)}",
        shared_rules.late_return_message(session),
        *session.adresse.lignes,
        *(p.libelle for p in session.pieces),
    ]:
        assert fact in text, fact


def test_personal_data_page_lists_the_cnil_items_and_the_unconfirmed_facts(
        built_site: Path, session: Session) -> None:
    text = read_page(built_site, "donnees-personnelles.html").text
    assert session.responsable_a_confirmer and session.conservation_a_confirmer
    for fact in [
        f"Le responsable du traitement est le {session.responsable_traitement}.",
        f"Contact du responsable du traitement : {A_CONFIRMER}.",
        f"Durée de conservation : {A_CONFIRMER}.",
        "À quoi servent vos données", "base légale", "Qui reçoit vos données",
        session.destinataire, "Vos droits", "Exercer vos droits",
        "Commission nationale de l'informatique et des libertés",
        "le service n'enregistre pas votre pré-inscription",
        *(f"{label} {statut}" for label, statut in CHAMPS.values()),
    ]:
        assert fact in text, fact
    assert f"{session.conservation_jours} jours" not in text  # a proposal, not a fact yet


def test_rules_json_is_published_with_the_site(built_site: Path, session: Session) -> None:
    published = json.loads((built_site / "assets" / "rules.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(export_rules(session)))


@pytest.mark.parametrize("name", [*PAGES, "gestion.html"])
def test_page_runs_no_inline_script_and_loads_nothing_from_another_origin(
        built_site: Path, name: str) -> None:
    page = read_page(built_site, name)
    inline = [s for s in page.scripts if not s.get("src") and s.get("type") != "application/json"]
    assert inline == []
    external = [s["src"] for s in page.scripts if s.get("src") and "//" in str(s["src"])]
    external += [str(link.get("href")) for link in page.links
                 if "//" in str(link.get("href")) and link.get("rel") != "canonical"]
    external += [src for src in page.sources if "//" in src]
    assert external == []
    html = (built_site / name).read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    assert " style=" not in html.split("<body", 1)[1]  # the CSP forbids inline styles too


@pytest.mark.parametrize("name", PAGES)
def test_page_carries_the_demo_banner_marker_right_after_body(
        built_site: Path, name: str) -> None:
    html = (built_site / name).read_text(encoding="utf-8")
    assert html.count("<!-- banniere-demo -->") == 1
    assert re.search(r"<body[^>]*>\s*<!-- banniere-demo -->", html)


def _theme_body(template: str) -> list[str]:
    """A template's lines without its leading Jinja comment."""
    return re.sub(r"\A\{#-.*?-#\}\n", "", template, flags=re.S).splitlines()


@pytest.mark.parametrize("ours, theirs, allowed", [
    ("main.html", "base.html", {"+    <!-- banniere-demo -->"}),
    ("partials/search.html", "partials/search.html", {
        '-<div class="md-search" data-md-component="search" role="dialog">',
        '+<div class="md-search" data-md-component="search" role="dialog" '
        "aria-label=\"{{ lang.t('search') }}\">",
        # None on the staff's page (issue 26): it would find pages, not dossiers.
        '+{% if page and page.meta and page.meta.template == "gestion.html" %}{% else %}',
        "+{% endif %}",
    }),
])
def test_copied_theme_templates_differ_from_the_installed_theme_only_by_our_change(
        ours: str, theirs: str, allowed: set[str]) -> None:
    mine = _theme_body((ROOT / "site" / "overrides" / ours).read_text(encoding="utf-8"))
    stock = _theme_body((THEME / theirs).read_text(encoding="utf-8"))
    changes = {line for line in difflib.unified_diff(stock, mine, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))}
    assert changes == allowed, "the theme changed: copy its template again (site/README.md)"


def test_form_pages_load_one_bundled_minified_module(built_site: Path) -> None:
    """site/finalize.py bundles page.js and every module it reaches into one file: no import
    left to fetch, nothing to preload, and `assets/rules.json` still found from its folder."""
    for name in ("formulaire.html", "mon-dossier.html"):
        html = (built_site / name).read_text(encoding="utf-8")
        modules = re.findall(r'<script type="module" src="([^"]+)"', html)
        assert len(modules) == 1 and "modulepreload" not in html, name
        assert re.fullmatch(r"assets/javascripts/candidats/formulaire/page\.[0-9a-f]{8}\.min\.js",
                            modules[0])
        bundle = (built_site / modules[0]).read_text(encoding="utf-8")
        assert not re.search(r'\bimport\s*[\w{*]|from\s*"\./', bundle)
        assert '"../../../rules.json"' in bundle and "\n  " not in bundle  # minified


def _references(html: str) -> list[str]:
    return (re.findall(r'<script[^>]* src="([^"]+)"', html)
            + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))


@pytest.mark.parametrize("name", [*PAGES, "gestion.html"])
def test_every_script_and_stylesheet_a_page_loads_is_named_by_its_content(
        built_site: Path, name: str) -> None:
    """The long cache (handler/platform/site_caching.py) is safe only if a changed file changes
    name."""
    html = (built_site / name).read_text(encoding="utf-8")
    for reference in _references(html):
        path = reference.lstrip("/")
        assert cache_control(path) == IMMUTABLE, (name, path)
        content = (built_site / path).read_bytes()
        if not path.startswith(("assets/javascripts/bundle.", "assets/stylesheets/main.",
                                "assets/stylesheets/palette.")):  # Material's own names
            stem, suffix = _source_of(path).rsplit(".", 1)
            digest = hashlib.sha256(content).hexdigest()[:8]
            assert path == f"{stem}.{digest}.min.{suffix}", path
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)'
                                  r"</script>", html, re.S).group(1))  # type: ignore[union-attr]
    worker = config["search"].lstrip("/")
    assert re.fullmatch(r"assets/javascripts/workers/recherche-differee\.[0-9a-f]{8}\.min\.js",
                        worker)
    stand_in = (built_site / worker).read_text(encoding="utf-8")
    material = re.search(r'"(search\.[0-9a-f]{8}\.min\.js)"', stand_in)
    assert material and (built_site / "assets/javascripts/workers" / material[1]).is_file()


def _source_of(path: str) -> str:
    return re.sub(r"\.[0-9a-f]{8}\.min\.(js|css)$", r".\1", path)


@pytest.mark.parametrize("name", PAGE_WEIGHT_PAGES)
def test_page_loads_at_most_its_budget_gzipped_before_the_first_interaction(
        built_site: Path, name: str) -> None:
    """Issue 18: 90 KB gzip per page, the form's two included (their interim 112 KB is gone),
    counted from the built files (deterministic)."""
    weight = page_weight(built_site, name)
    assert weight.gzip_bytes <= budget(name), weight.files
    assert "assets/javascripts/lunr/min/lunr.fr.min.js" not in weight.files  # on first query
    assert budget(name) == 90 * 1024


@pytest.mark.parametrize("name", ["formulaire.html", "mon-dossier.html", "notice.html",
                                  "donnees-personnelles.html"])
def test_form_and_long_text_pages_load_materials_bundle_at_the_first_gesture_only(
        built_site: Path, name: str) -> None:
    """No `<script>` of Material's bundle in the form's pages and the two long text pages
    (overrides/premier-geste.html): md-premier-geste.js loads it, and site/finalize.py wrote
    the bundle's hashed name into it. The other pages keep it."""
    html = (built_site / name).read_text(encoding="utf-8")
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    assert not [s for s in scripts if "bundle." in s]
    loaders = [s for s in scripts if "md-premier-geste." in s]
    assert len(loaders) == 1
    assert re.fullmatch(r"assets/javascripts/platform/md-premier-geste\.[0-9a-f]{8}\.min\.js",
                        loaders[0])
    loader = (built_site / loaders[0]).read_text(encoding="utf-8")
    bundle = re.search(r'"\.\./(bundle\.[0-9a-f]{8}\.min\.js)"', loader)
    assert bundle and (built_site / "assets/javascripts" / bundle[1]).is_file()
    assert "MATERIAL_BUNDLE" not in loader
    weight = page_weight(built_site, name)
    assert not [f for f in weight.files if "search" in f or "recherche" in f]
    others = ["index.html", "accessibilite.html", "mentions-legales.html", "gestion.html"]
    for other in others:
        html = (built_site / other).read_text(encoding="utf-8")
        assert 'src="assets/javascripts/bundle.' in html and "md-premier-geste" not in html


def test_notice_page_says_this_service_replaces_inscrinet_and_maps_its_screens(
        built_site: Path) -> None:
    """Issue 13, point 8: the notice's Inscrinet instructions, word for word, under a plain
    statement that this service is where to register, with each screen's step of the form."""
    text = read_page(built_site, "notice.html").text
    assert ("ce service les remplace : pré-inscrivez-vous ici, sur la page Se pré-inscrire, pas "
            "à l'adresse Inscrinet que donne la notice") in text
    assert text.index("ce service les remplace") < text.index("L'adresse de connexion est la")
    for screen, step in [
        ("L'écran de la catégorie (« autre individuel »)", "déjà fait par le service"),
        ("L'écran de l'établissement (« Individuels … »)",
         "étape 3, « Vos coordonnées et votre établissement »"),
        ("L'écran de la forme de passage", "étape 4, « Forme de passage »"),
        ("Les écrans de l'EPS (« dispensé », choix des activités)",
         "étape 5, « Éducation physique et sportive (EPS) »"),
        ("L'édition de la confirmation d'inscription depuis Inscrinet",
         "la confirmation à imprimer (PDF)"),
    ]:
        assert f"{screen} {step}" in text
    # The notice's section A.2, as it is written (« Inscinet » included).
    for line in ("L'adresse de connexion est la suivante:",
                 "https://ecc.orion.education.fr/inscynetpro/inscriptionpublic",
                 "ou sur le site du Rectorat de Limoges: http://www.ac-limoges.fr",
                 "Dans la rubrique « Examens » cliquer sur « Lycée Professionnel » puis sur "
                 "« accéder à Inscinet » (sur la droite)."):
        assert line in text


def test_publication_filters_give_each_built_file_the_local_servers_cache_header(
        built_site: Path) -> None:
    """infra/README.md publishes with two `aws s3 sync` filtered by name (fnmatch, as the AWS
    CLI matches): each built file must get handler/platform/site_caching.py's header."""
    readme = (ROOT / "infra" / "README.md").read_text(encoding="utf-8")
    hashed = re.search(r'^HASHED="([^"]+)"$', readme, re.M)[1]  # type: ignore[index]
    commands = re.findall(r"^aws s3 sync build/site .*?--cache-control \"([^\"]+)\"$", readme,
                          re.M | re.S)
    assert commands == [IMMUTABLE, REVALIDATE]
    patterns = [p.replace("$HASHED", hashed)
                for p in re.findall(r'--include "([^"]+)"', readme)]
    for path in built_site.rglob("*"):
        if path.is_file():
            relative = path.relative_to(built_site).as_posix()
            sent = IMMUTABLE if any(fnmatch.fnmatch(relative, p) for p in patterns) else REVALIDATE
            assert sent == cache_control(relative), relative


def test_minified_scripts_keep_no_inline_handler_and_no_eval(built_site: Path) -> None:
    """Minification must not bring what `script-src 'self'` forbids (eval, new Function)."""
    for script in built_site.glob("assets/javascripts/**/*.min.js"):
        if cache_control(script.name) == IMMUTABLE and not script.name.startswith(
                ("bundle.", "search.")):  # ours, not Material's
            text = script.read_text(encoding="utf-8")
            assert "eval(" not in text and "new Function(" not in text, script.name


def test_the_accessibility_statement_says_exactly_what_works_without_javascript(
        built_site: Path) -> None:
    """Issue 29, item 11: it said the site « se lit sans JavaScript » while the form and « mon
    dossier » need it."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (built_site / "accessibilite.html")
                                      .read_text(encoding="utf-8")))
    assert "se lit sans JavaScript" not in text
    assert ("Le formulaire de pré-inscription et la page « Consulter ou modifier mon dossier » "
            "ont besoin de JavaScript") in text
    assert "comment vous inscrire autrement" in text


def test_no_page_leaves_a_guillemet_or_a_colon_to_wrap_alone(built_site: Path) -> None:
    """Issue 29, item 11: « Se pré-inscrire » ended a line at 390 px with its closing guillemet
    alone on the next. Every page's text has no-break spaces inside guillemets and before
    : ; ! ? (shared_rules.typographie, applied by site/finalize.py)."""
    breakable = re.compile(r"« | [»:;!?]")
    found = {}
    for page in sorted(built_site.rglob("*.html")):
        text = "".join(read_page(built_site, str(page.relative_to(built_site))).words)
        if hits := breakable.findall(text):
            found[page.name] = hits[:5]
    assert found == {}
    assert "Se pré-inscrire" in read_page(built_site, "index.html").text
