"""The staff's roles and the accounts that hold them (STAFF_ACCOUNTS).

Three roles, each with everything the one before it may do:
- `lecture`: the list, a dossier, the exports;
- `gestion`: plus the follow-up status changes;
- `administration`: plus the RGPD erasure and the other administrative actions.

`STAFF_ACCOUNTS` holds `email:role` pairs separated by commas; the operator edits it (in AWS an
SSM parameter) without a deployment of code.

Emails are compared exactly after one normalisation (`account_email`, issue 25): printable
ASCII only (no space, no control character, no look-alike such as the Kelvin sign « K »), one
« @ », the domain in lower case (domains ignore case), the local part as given (RFC 5321 lets
it be case-sensitive). The configured accounts and the provider's `email` claim go through it.
"""

from __future__ import annotations

import re

from handler.platform.config import ConfigError

LECTURE, GESTION, ADMINISTRATION = "lecture", "gestion", "administration"
#: The roles, from the least to the most allowed.
ROLES = (LECTURE, GESTION, ADMINISTRATION)
#: What the staff page shows for each role.
LIBELLES = {LECTURE: "lecture", GESTION: "gestion", ADMINISTRATION: "administration"}
_EMAIL = re.compile(r"^[^\s:,@]{1,64}@[^\s:,@]{1,190}$")


def account_email(text: object) -> str | None:
    """The email as the accounts compare it, or None if it is not one they can hold."""
    if not isinstance(text, str) or not all(0x21 <= ord(c) < 0x7F for c in text):
        return None
    if not _EMAIL.match(text):
        return None
    local, _, domain = text.partition("@")
    return f"{local}@{domain.lower()}"


def masked(text: object) -> str:
    """An email for the audit log of a refused sign-in: its first letter and its domain, and
    nothing that could forge a line (« a…@ac-limoges.fr »)."""
    value = str(text)
    local, _, domain = value.rpartition("@")
    safe = "".join(c for c in domain.lower() if c.isascii() and (c.isalnum() or c in ".-"))
    first = local[:1] if local[:1].isascii() and local[:1].isalnum() else "?"
    return f"{first}…@{safe[:80] or '?'}"


def allows(role: str, needed: str) -> bool:
    """True when `role` may do what `needed` may."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_role(role: str, setting: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"{setting}: unknown role {role!r}; the roles are "
                          + ", ".join(ROLES))
    return role


def parse_accounts(value: str) -> dict[str, str]:
    """The accounts of STAFF_ACCOUNTS, email (`account_email`) to role; ConfigError on a malformed
    entry, an unknown role or an email given twice."""
    accounts: dict[str, str] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        typed, _, role = entry.rpartition(":")
        email = account_email(typed.strip())
        if email is None:
            raise ConfigError("STAFF_ACCOUNTS: each entry must be email:role, e.g. "
                              "prenom.nom@ac-limoges.fr:gestion")
        if email in accounts:
            raise ConfigError(f"STAFF_ACCOUNTS: the account {email!r} appears twice")
        accounts[email] = check_role(role.strip(), "STAFF_ACCOUNTS")
    return accounts
