"""The generation step: snippets from any session's data, and loud failures on unknown data."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared_rules import site_pages
from shared_rules.export import A_CONFIRMER, export_rules
from shared_rules.registry import SessionRegistry
from shared_rules.session import Piece, Session
from shared_rules.site_pages import SNIPPETS, SiteDataError, render_site, render_snippets
from tests.site.conftest import ROOT


@pytest.fixture
def fictive(registry_with_fictive_session: SessionRegistry) -> Session:
    session = registry_with_fictive_session.get("cap-fictive-2099-06")
    assert session is not None
    return session


def test_another_session_renders_from_its_own_data(fictive: Session) -> None:
    snippets = render_snippets(fictive)
    assert set(snippets) == set(SNIPPETS)
    assert ("du lundi 1er septembre 2098 à 8 h 30 au mercredi 1er octobre 2098 à 12 h 00** "
            "(heure de Cayenne)") in snippets["notice-registre.md"]
    assert "| Guyane (973) | Individuels Guyane |" in snippets["notice-mode-operatoire.md"]
    assert "dans le cadre de la combinaison suivante :\n\n- Natation et danse\n" in (
        snippets["notice-mode-operatoire.md"])
    assert "La dispense d'EPS n'est pas possible à cette session." in (
        snippets["notice-mode-operatoire.md"])
    assert "97300 Cayenne" in snippets["adresse-retour.md"]
    assert A_CONFIRMER not in snippets["adresse-retour.md"]


def test_confirmed_personal_data_facts_are_read_from_the_data(fictive: Session) -> None:
    confirmed = dataclasses.replace(fictive, responsable_a_confirmer=False,
                                    responsable_contact="dpo@exemple.invalid",
                                    conservation_a_confirmer=False, conservation_jours=400,
                                    conservation_justification="durée fictive")
    assert site_pages.rgpd_conservation(confirmed) == (
        "Durée de conservation : 400 jours (durée fictive).\n")
    assert "dpo@exemple.invalid" in site_pages.rgpd_contact(confirmed)
    stated = dataclasses.replace(fictive, base_legale_a_confirmer=False,
                                 base_legale="mission d'intérêt public (fictive)")
    assert site_pages.rgpd_base_legale(stated) == (
        "Base légale du traitement : mission d'intérêt public (fictive).\n")


def test_unconfirmed_personal_data_facts_are_shown_a_confirmer(fictive: Session) -> None:
    unconfirmed = dataclasses.replace(fictive, responsable_a_confirmer=True,
                                      responsable_contact="ignoré", conservation_a_confirmer=True)
    assert A_CONFIRMER in site_pages.rgpd_conservation(unconfirmed)
    assert "jours" not in site_pages.rgpd_conservation(unconfirmed)
    assert A_CONFIRMER in site_pages.rgpd_contact(unconfirmed)
    assert "ignoré" not in site_pages.rgpd_contact(unconfirmed)
    unstated = dataclasses.replace(fictive, base_legale_a_confirmer=True, base_legale="ignorée")
    assert A_CONFIRMER in site_pages.rgpd_base_legale(unstated)
    assert "ignorée" not in site_pages.rgpd_base_legale(unstated)


def test_no_conflict_message_when_the_deadline_follows_the_closing(fictive: Session) -> None:
    later = dataclasses.replace(fictive, date_limite_retour=fictive.cloture.date().replace(
        year=fictive.cloture.year + 1))
    assert site_pages.retour_tardif(later) == ""
    assert "!!! warning" not in site_pages.notice_retour(later)


def test_data_text_cannot_inject_markdown_or_html(fictive: Session) -> None:
    odd = dataclasses.replace(fictive, destinataire="Bureau <b>*X*</b> | [lien](x)")
    text = site_pages.rgpd_destinataires(odd)
    assert "&lt;b&gt;\\*X\\*&lt;/b&gt; \\| \\[lien\\](x)" in text


@pytest.mark.parametrize("change, message", [
    ({"fuseau_horaire": "Europe/Berlin"}, "no French name for time zone"),
    ({"majorite_age": 21}, "« majeurs » means 18"),
    ({"pieces": (Piece("x", "inconnue", "X", "x"),)}, "no French label for piece condition"),
])
def test_unknown_data_fails_the_generation_loudly(
        fictive: Session, change: dict[str, object], message: str) -> None:
    with pytest.raises(SiteDataError, match=message):
        render_snippets(dataclasses.replace(fictive, **change))  # type: ignore[arg-type]


def test_a_dossier_field_without_a_label_fails_the_generation(
        fictive: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    labels = dict(site_pages.CHAMPS)
    del labels["contact.telephone"]
    labels["contact.fax"] = ("Fax", site_pages.FACULTATIF)
    monkeypatch.setattr(site_pages, "CHAMPS", labels)
    with pytest.raises(SiteDataError, match=r"\['contact.telephone'\].*\['contact.fax'\]"):
        site_pages.rgpd_donnees(fictive)


def test_a_mandatory_field_labelled_optional_fails_the_generation(
        fictive: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    labels = {**site_pages.CHAMPS, "contact.email": ("Adresse", site_pages.FACULTATIF)}
    monkeypatch.setattr(site_pages, "CHAMPS", labels)
    with pytest.raises(SiteDataError, match="contact.email is required"):
        site_pages.rgpd_donnees(fictive)


def test_render_site_writes_snippets_and_rules_and_removes_stale_snippets(
        fictive: Session, tmp_path: Path) -> None:
    snippets, rules = tmp_path / "snippets", tmp_path / "docs" / "assets" / "rules.json"
    snippets.mkdir()
    (snippets / "ancien.md").write_text("périmé", encoding="utf-8")
    written = render_site(fictive, snippets_dir=snippets, rules_path=rules)
    assert sorted(p.name for p in snippets.iterdir()) == sorted(SNIPPETS)
    assert len(written) == len(SNIPPETS) + 1
    assert json.loads(rules.read_text(encoding="utf-8")) == json.loads(
        json.dumps(export_rules(fictive)))


def test_render_site_leaves_the_folder_untouched_when_the_data_is_wrong(
        fictive: Session, tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "registre.md").write_text("avant", encoding="utf-8")
    with pytest.raises(SiteDataError):
        render_site(dataclasses.replace(fictive, fuseau_horaire="Europe/Berlin"),
                    snippets_dir=snippets, rules_path=tmp_path / "rules.json")
    assert (snippets / "registre.md").read_text(encoding="utf-8") == "avant"
    assert not (tmp_path / "rules.json").exists()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shared_rules", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONUTF8": "1"})


def test_render_site_command_writes_where_it_is_told(tmp_path: Path) -> None:
    result = _cli("render-site", "--snippets", str(tmp_path / "s"),
                  "--rules", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "notice-registre.md").is_file()
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["code"] == (
        "cap-limoges-2021-06")


def test_render_site_command_refuses_an_unknown_session(tmp_path: Path) -> None:
    result = _cli("render-site", "--session", "cap-inconnue-2000-06",
                  "--snippets", str(tmp_path / "s"), "--rules", str(tmp_path / "r.json"))
    assert result.returncode == 2
    assert "unknown session 'cap-inconnue-2000-06'" in result.stderr
    assert not (tmp_path / "s").exists()
