"""The staff's roles and the accounts that hold them (STAFF_ACCOUNTS).

Three roles, each with everything the one before it may do:
- `lecture`: the list, a dossier, the exports;
- `gestion`: plus the follow-up status changes;
- `administration`: plus the RGPD erasure and the other administrative actions.

`STAFF_ACCOUNTS` holds `email:role` pairs separated by commas; the operator edits it (in AWS an
SSM parameter) without a deployment of code. Emails are compared in lower case.
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


def allows(role: str, needed: str) -> bool:
    """True when `role` may do what `needed` may."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_role(role: str, setting: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"{setting}: unknown role {role!r}; the roles are "
                          + ", ".join(ROLES))
    return role


def parse_accounts(value: str) -> dict[str, str]:
    """The accounts of STAFF_ACCOUNTS, email (lower case) to role; ConfigError on a malformed
    entry, an unknown role or an email given twice."""
    accounts: dict[str, str] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        email, _, role = entry.rpartition(":")
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise ConfigError("STAFF_ACCOUNTS: each entry must be email:role, e.g. "
                              "prenom.nom@ac-limoges.fr:gestion")
        if email in accounts:
            raise ConfigError(f"STAFF_ACCOUNTS: the account {email!r} appears twice")
        accounts[email] = check_role(role.strip(), "STAFF_ACCOUNTS")
    return accounts
