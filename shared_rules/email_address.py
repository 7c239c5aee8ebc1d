"""Email addresses a candidate can really receive mail at.

Amazon SES does not support SMTPUTF8 (RFC 6531): the part before the @ must be 7-bit ASCII, and
a domain with other characters is sent in its ASCII (punycode) form (README, « Adresses
électroniques »). Beyond the syntax check that the browser shares (marshmallow's Email
validator), the reasons a candidate can be told precisely are checked here, in an order the
browser repeats (verification.js, `courriel`); then `email-validator` judges the rest.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from shared_rules import messages as msg


def _split(address: str) -> tuple[str, str]:
    local, _, domain = address.rpartition("@")
    return local, domain


def reason(address: str) -> str | None:
    """Why mail can't be sent to this syntactically valid address (a French message), or None."""
    local, domain = _split(address)
    if any(unicodedata.category(ch) == "Cc" for ch in address):
        return msg.EMAIL_CARACTERES_CONTROLE
    if local.startswith('"'):
        return msg.EMAIL_GUILLEMETS
    if not local.isascii():
        return msg.EMAIL_ACCENTS
    if domain.startswith("["):
        return msg.EMAIL_DOMAINE_LITTERAL
    if "." not in domain:
        return msg.EMAIL_DOMAINE_SANS_POINT
    try:
        validate_email(address, allow_smtputf8=False, check_deliverability=False)
    except EmailNotValidError:
        return msg.EMAIL_INVALIDE
    return None


def ascii_address(address: str) -> str:
    """The address as SES takes it: the domain in punycode (the candidate's typing is kept for
    display). An address email-validator refuses (none that `reason` accepts) is left as is:
    SES then says why it can't send."""
    try:
        checked = validate_email(address, allow_smtputf8=False, check_deliverability=False)
    except EmailNotValidError:
        return address
    return checked.ascii_email or address
