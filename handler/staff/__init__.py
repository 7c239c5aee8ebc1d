"""The staff's side of the service (bureau DEC 4): find, follow up, export and erase dossiers.

Modules, one concern each: `auth` (bearer tokens), `index` (the summary index beside the
dossiers), `listing` (filters, sort, pages), `suivi` (the follow-up status), `erasure` (RGPD),
`columns` and `exports` (CSV, XLSX, ZIP), `jobs` (background exports), `rest` (the /api/staff/
routes), `cli` (`python -m handler.staff`).
"""

from __future__ import annotations

from flask import Flask

from handler.staff import auth, rest


def init_app(app: Flask) -> None:
    """Read the staff's configuration and register the /api/staff/ routes."""
    auth.init_app(app, app.config["STAFF_TOKEN_HASHES"])
    app.register_blueprint(rest.bp)
