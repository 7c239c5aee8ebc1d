"""How to reach the bureau, in one French phrase, for every message that sends people to it."""

from __future__ import annotations

from shared_rules.session import Session

A_CONFIRMER = "à confirmer"


def bureau_contact(session: Session) -> str:
    """« Rectorat de Limoges, Bureau DEC 4 (téléphone : à confirmer ; courriel : à confirmer ;
    adresse : rue François Chénieux, Limoges, code postal à confirmer) »: what a message puts
    after « contactez le »; each unknown or unconfirmed part says « à confirmer »."""
    contact, adresse = session.contact_bureau, session.adresse

    def known(value: str | None) -> str:
        if value is None:
            return A_CONFIRMER
        return f"{value} ({A_CONFIRMER})" if contact.a_confirmer else value

    lignes = [line for line in adresse.lignes if line not in session.destinataire]
    commune = (f"{adresse.code_postal} {adresse.commune}" if adresse.code_postal
               else f"{adresse.commune}, code postal {A_CONFIRMER}")
    postale = ", ".join([*lignes, commune]) + (f" ({A_CONFIRMER})" if adresse.a_confirmer
                                               and adresse.code_postal else "")
    return (f"{session.destinataire} (téléphone : {known(contact.telephone)} ; courriel : "
            f"{known(contact.courriel)} ; adresse : {postale})")
