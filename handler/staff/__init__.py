"""The staff's side (bureau DEC 4): find, follow up, export and erase dossiers; may use
handler.dossier, handler.platform and shared_rules, never candidats.

Modules, one concern each: `auth` (who asks: session cookie or a script's token, role guards),
`oidc` (sign-in through the OpenID Connect provider), `sessions` (the sessions in the bucket),
`roles` (STAFF_ACCOUNTS and the roles), `listing` (filters, sort, pages, over the summary index
of handler.dossier.index), `erasure` (RGPD), `restitution` (a squatted dossier handed back to
its owner), `columns` and `exports` (CSV, XLSX, ZIP), `upload` (streaming to S3, presigned
links), `jobs` (background exports), `courriel_suivi` (the email of each status change,
recorded and retried), `versions` (the dossier's review rows and each version's changes),
`pieces_bureau` (the pieces returned online, judged), `pieces_statuts` (the status that
follows from them), `courriel_pieces` (the refused pieces' email), `messages` (the staff's
French messages), `openapi` (the staff's routes described), `progress`
(the command line's progress bar), `rest` (the /api/staff/ routes), `cli` (`python -m
handler.staff`). The follow-up status the staff changes is handler.dossier.suivi.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from handler.staff import auth, jobs, oidc, pieces_bureau, rest


def init_app(app: Flask, *, export_runner: jobs.ExportRunner | None = None,
             secrets_client: Any = None) -> None:
    """Read the staff's configuration and register the /api/staff/ routes.

    Background exports run through `export_runner`; by default the export function when
    EXPORT_FUNCTION_NAME is set (AWS), else a thread of this process.
    """
    auth.init_app(app, app.config["STAFF_TOKEN_HASHES"])
    oidc.init_app(app, secrets_client=secrets_client)
    if export_runner is None:
        if app.config["EXPORT_FUNCTION_NAME"]:
            export_runner = jobs.LambdaRunner(app.config["EXPORT_FUNCTION_NAME"],
                                              region=app.config["AWS_REGION"])
        else:
            export_runner = jobs.ThreadRunner(lambda job_id, part: run_export(app, job_id, part))
    app.extensions["export_runner"] = export_runner
    app.register_blueprint(rest.bp)
    app.register_blueprint(pieces_bureau.bp)


def run_export(app: Flask, job_id: str, part: int | None = None) -> None:
    """Do a background export, or one part of it, with this app's store and session (thread or
    export function)."""
    store, session = app.extensions["dossier_store"], app.extensions["inscription_session"]
    if part is None:
        jobs.run(store, session, job_id)
    else:
        jobs.run_part(store, session, job_id, part)
