"""Issue 13, point 4: the late-return warning follows the version being printed. A dossier created
on 10 November and modified on 19 November carries the message in the API, the PDF and the
email of that version; one created and left alone before the 18th carries none."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path
from typing import Any

import shared_rules
from handler.platform.clock import FrozenClock
from tests.dossier.test_confirmation_pdf import pdf_text
from tests.factories import make_dossier
from tests.fixtures import MAIL_FROM, build_app

BORN = "1998-05-17"
SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None
MESSAGE = shared_rules.late_return_message(SESSION)


def _app(s3: Any, s3_endpoint: str | None, instant: str, outbox: Path) -> Any:
    return build_app(s3, s3_endpoint, MAIL_FROM=MAIL_FROM, MAIL_OUTBOX_DIR=str(outbox),
                     clock=FrozenClock(dt.datetime.fromisoformat(instant)))


def _mail_text(outbox: Path) -> str:
    message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(),
                                       policy=email.policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_a_version_modified_on_19_november_carries_the_late_return_message_everywhere(
        s3: Any, s3_endpoint: str | None, tmp_path: Path) -> None:
    early, late = tmp_path / "10-novembre", tmp_path / "19-novembre"
    created = _app(s3, s3_endpoint, "2020-11-10T10:00:00+01:00", early).test_client()
    response = created.post("/api/dossiers", json=make_dossier())
    assert response.status_code == 201
    first = response.get_json()
    assert (first["retour_tardif"], first["message_retour_tardif"]) == (False, None)
    assert MESSAGE not in _mail_text(early)

    client = _app(s3, s3_endpoint, "2020-11-19T10:00:00+01:00", late).test_client()
    headers = {"X-Date-Naissance": BORN}
    changed = client.put(f"/api/dossiers/{first['numero']}", headers=headers,
                         json=make_dossier({"contact.telephone": "05 55 00 00 00"}))
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["version"], body["cree_le"], body["modifie_le"]) == (
        2, "2020-11-10T10:00:00+01:00", "2020-11-19T10:00:00+01:00")
    assert (body["retour_tardif"], body["message_retour_tardif"]) == (True, MESSAGE)
    consulted = client.get(f"/api/dossiers/{first['numero']}", headers=headers).get_json()
    assert (consulted["retour_tardif"], consulted["message_retour_tardif"]) == (True, MESSAGE)
    pdf = client.get(f"/api/dossiers/{first['numero']}/confirmation.pdf", headers=headers)
    assert " ".join(MESSAGE.split()) in pdf_text(pdf.data)
    assert MESSAGE in _mail_text(late)
