"""Bulk actions on the list (issue 27): the same status change for several dossiers at once.

The staff page sends the dossiers selected (this page's, or every one of a search: `selection`)
in batches of at most LOT_MAX, each with the dossier version and follow-up revision the agent's
list showed. Each dossier's change is exactly the change the dossier's own page makes
(`suivi.change`, its history entry with author and time, its index part, the candidate's email
through courriel_suivi), and each is answered on its own: one dossier modified meanwhile, or
whose status doesn't allow the change, is reported with its reason and changes nothing of the
others.

« Confirmation reçue » in bulk records, for each dossier, the paper of the version the list
showed: the agent holds those papers; a dossier modified since is reported (409
`dossier_modifie`), its paper being an older version's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier import index, suivi
from handler.dossier.courriels import Notifier
from handler.dossier.numero import canonical, display
from handler.platform.errors import ApiError, StorageUnavailable
from handler.staff import courriel_suivi
from handler.staff import messages as msg

#: Dossiers per request: each change reads and writes a few objects and may send an email,
#: so that a batch stays well inside the API function's 10 s.
LOT_MAX = 25
#: The changes offered in bulk.
ACTIONS = (suivi.CONFIRMATION_RECUE, suivi.INCOMPLETE)
#: The most dossiers one « select the whole search » returns (as many as a ZIP export takes).
SELECTION_MAX = 25_000


def selection(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the page needs to act on each dossier of a search: its number, the dossier version
    and the follow-up revision the index holds."""
    return [{"numero": display(e["numero"]), "version": e["version"],
             "revision": e["revision"]} for e in entries]


def apply(notifier: Notifier, dossiers: Iterable[Mapping[str, Any]], *, statut: str,
          pieces_manquantes: list[str], note: str | None, auteur: str,
          now: str) -> list[dict[str, Any]]:
    """Change each dossier's status in turn; one result per dossier, in order:
    `{"numero", "enregistre": True, "statut"}` or `{"numero", "enregistre": False, "code",
    "message"}`."""
    store = notifier.store
    results = []
    for item in dossiers:
        numero = canonical(item["numero"])
        shown = display(numero) if numero else item["numero"]
        try:
            if numero is None:
                raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
            changed = suivi.change(
                store, numero, statut=statut, auteur=auteur, version_vue=item["version"],
                revision_vue=item["revision"], pieces_manquantes=pieces_manquantes, note=note,
                version_papier=item["version"] if statut == suivi.CONFIRMATION_RECUE else None,
                now=now, courriel=courriel_suivi.PENDING if notifier.enabled else None)
        except ApiError as refused:
            results.append({"numero": shown, "enregistre": False, "code": refused.code,
                            "message": _said(refused)})
            continue
        except (ClientError, BotoCoreError, StorageUnavailable):
            results.append({"numero": shown, "enregistre": False,
                            "code": "stockage_indisponible", "message": msg.LOT_STOCKAGE})
            continue
        index.record_written(store, changed.dossier, follow_up=changed.suivi)
        courriel_suivi.send(notifier, dossier=changed.dossier, follow_up=changed.suivi,
                            etag=changed.etag)
        results.append({"numero": shown, "enregistre": True,
                        "statut": changed.suivi["statut"]})
    return results


def _said(refused: ApiError) -> str:
    """A refusal in one sentence: its message, then its fields' own messages."""
    details = [m for found in refused.errors.values() for m in found if m != refused.message]
    return " ".join([refused.message, *details])
