"""The dossiers' object store: one JSON object per dossier, written with S3 conditional writes.

Layout in the bucket (see the README):
    dossiers/<numero>.json                 the dossier: current version and its history
    identites/<session>/<group>/<person>.json
                                           one per person and session: which number they hold
                                           (shared_rules.identity: homonyms share a group)
    idempotence/<sha256 of the key>.json   an Idempotency-Key's first answer: the body's hash,
                                           the number, when (or, once that dossier is erased,
                                           only that it was); the lifecycle expires them
    courriels/<numero>.json                the confirmation email of a dossier: status, attempts
    courriels/a-renvoyer/<numero>.json     a marker: that email failed and is to be sent again
    rappels/<session>/<group>/<person>.json
                                           a person's recent number reminders (rate limit)
    tentatives/<numero>.json               ownership proofs counted for a number (rate limit)
    acces/<numero>/liens/<sha256>.json     an emailed access link: the hash of its token, expiry
    acces/<numero>/preuves/<sha256>.json   an access proof given for a used link: hash, expiry
    acces/<numero>/envois.json             when access links were sent for a number (limit)
    doublons/<session>/<group>/<person>.json
                                           a person's recent « déjà inscrit » answers, last alert
    relances/<session>/<jour>/<numero>.json
                                           the reminder of that day (handler.staff.relances)
    relances/<session>/a-renvoyer/<numero>.json
                                           a marker: that reminder failed, to be sent again

Nothing is overwritten by a concurrent writer: creations use `IfNoneMatch="*"`, updates
`IfMatch=<ETag>`. Real S3 may answer 409 ConditionalRequestConflict to a conditional write racing
another: it is retried here. Other faults are botocore's (standard retry mode), and surface as
exceptions that the error handlers turn into 503.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from handler.platform.errors import StorageUnavailable

DOSSIERS = "dossiers/"
IDENTITES = "identites/"
#: An Idempotency-Key's first answer, by the key's SHA-256 (handler.candidats.registrations);
#: the bucket's lifecycle empties it.
IDEMPOTENCE = "idempotence/"
COURRIELS = "courriels/"
#: Markers of the confirmation emails that failed, beside their records (the retry's list).
COURRIELS_A_RENVOYER = f"{COURRIELS}a-renvoyer/"
RAPPELS = "rappels/"
TENTATIVES = "tentatives/"
#: Access links and proofs, all under the dossier's number: `access_prefix(numero)` holds every
#: record of one dossier (what an erasure deletes). Tokens are never stored, only their SHA-256.
ACCES = "acces/"
#: Per person: the « déjà inscrit » answers and the last alert to the holder (candidats.doublons).
DOUBLONS = "doublons/"
#: The reminders to candidates whose signed confirmation hasn't arrived (handler.staff.relances).
RELANCES = "relances/"
#: Every key prefix the application may touch in the bucket. The IAM policy of
#: infra/template.yaml grants exactly these (a test compares them); index/, exports/, suivi/ and
#: audit/ are the staff's.
PREFIXES = ("dossiers", "identites", "idempotence", "courriels", "rappels", "tentatives",
            "acces", "index", "exports", "suivi", "audit", "doublons", "gestion",
            "relances", "televersements", "pieces", "quarantaine")
CONFLICT_RETRIES = 3
#: The field that marks a dossier being erased (handler.staff.erasure), and how many times the
#: mark is tried against concurrent writes before the erasure gives up (409).
ERASING = "effacement_en_cours"
ERASING_ATTEMPTS = 20


class WriteConflict(Exception):
    """A conditional write lost: the object exists (creation) or changed (update)."""


@dataclass(frozen=True)
class Stored:
    """A JSON object read from the store, with the ETag to update it conditionally."""

    body: dict[str, Any]
    etag: str


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class DossierStore:
    """Reads and writes dossiers and their records in one bucket through a boto3 S3 client."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    # -- generic JSON objects -----------------------------------------------------------------
    def _get(self, key: str) -> Stored | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404"}:
                return None
            raise
        body = json.loads(response["Body"].read())
        return Stored(body, response["ETag"])

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404", "NotFound"}:
                return False
            raise
        return True

    def _put(self, key: str, body: dict[str, Any], *, if_none_match: bool = False,
             if_match: str | None = None) -> str:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        conditions: dict[str, str] = {}
        if if_none_match:
            conditions["IfNoneMatch"] = "*"
        if if_match is not None:
            conditions["IfMatch"] = if_match
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                response = self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=data, ContentType="application/json",
                    **conditions,
                )
                return str(response["ETag"])
            except ClientError as exc:
                code = _code(exc)
                if code == "PreconditionFailed" or (code in {"NoSuchKey", "404"} and if_match):
                    raise WriteConflict(key) from exc
                if code == "ConditionalRequestConflict" and attempt < CONFLICT_RETRIES:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        raise AssertionError("unreachable")

    def _delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    # -- any JSON record beside the dossiers (the staff's index, follow-up and audit) -----------
    def read(self, key: str) -> Stored | None:
        """The JSON object at `key` with its ETag, or None."""
        return self._get(key)

    def write(self, key: str, body: dict[str, Any], *, if_none_match: bool = False,
              if_match: str | None = None) -> str:
        """Write a JSON object (only if absent, or only if still at `if_match`); its ETag;
        WriteConflict when the condition fails."""
        return self._put(key, body, if_none_match=if_none_match, if_match=if_match)

    def delete(self, key: str) -> None:
        """Remove the object at `key` (its current version, on a versioned bucket)."""
        self._delete(key)

    def erase(self, prefix: str, *, whole_prefix: bool = False) -> int:
        """Delete every version and delete marker of the object `prefix` (or, `whole_prefix`,
        of every object under it): nothing of it remains, even in the bucket's versioning.
        The number of versions deleted. Needs s3:ListBucketVersions and s3:DeleteObjectVersion.
        """
        paginator = self.client.get_paginator("list_object_versions")
        deleted = 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            found = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                     for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
                     if whole_prefix or v["Key"] == prefix]
            if found:
                answer = self.client.delete_objects(Bucket=self.bucket,
                                                    Delete={"Objects": found, "Quiet": True})
                if answer.get("Errors"):
                    raise StorageUnavailable(str(answer["Errors"][0].get("Code", "DeleteError")))
                deleted += len(found)
        return deleted

    def erase_versions_holding(self, key: str, holds: Callable[[dict[str, Any]], bool], *,
                               checked: set[str] | None = None, workers: int = 16,
                               chunk: int = 200) -> tuple[int, bool]:
        """Delete every noncurrent version of the object `key` whose JSON body `holds` (a
        person's data); the number deleted, and whether the current version holds it too (the
        caller rewrites that one, then asks again). Versions are immutable: the ids in
        `checked` are not read again, and the clean ones read here are added to it.

        Versions are read `workers` at a time and deleted `chunk` by `chunk` as they are found,
        so a call stopped midway (a function's timeout) has deleted what it found, and the
        next one goes on from there. Needs s3:ListBucketVersions, s3:GetObjectVersion and
        s3:DeleteObjectVersion.
        """
        paginator = self.client.get_paginator("list_object_versions")
        checked = set() if checked is None else checked
        current: str | None = None
        unread: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
            for version in page.get("Versions", []):
                if version["Key"] != key:
                    continue
                if version["IsLatest"]:
                    current = str(version["VersionId"])
                if version["VersionId"] not in checked:
                    unread.append(str(version["VersionId"]))

        def read(version_id: str) -> tuple[str, bool]:
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key,
                                                  VersionId=version_id)
            except ClientError as exc:
                if _code(exc) in {"NoSuchKey", "NoSuchVersion", "404"}:
                    return version_id, False  # deleted meanwhile: holds nothing any more
                raise
            return version_id, holds(json.loads(response["Body"].read()))

        deleted = 0
        current_holds = False
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unread)))) as pool:
            for start in range(0, len(unread), chunk):
                holding = []
                for version_id, held in pool.map(read, unread[start:start + chunk]):
                    if not held:
                        checked.add(version_id)
                    elif version_id == current:
                        current_holds = True
                    else:
                        holding.append({"Key": key, "VersionId": version_id})
                if holding:
                    answer = self.client.delete_objects(
                        Bucket=self.bucket, Delete={"Objects": holding, "Quiet": True})
                    if answer.get("Errors"):
                        raise StorageUnavailable(
                            str(answer["Errors"][0].get("Code", "DeleteError")))
                    deleted += len(holding)
        return deleted, current_holds

    def listing(self, prefix: str, *, delimiter: str | None = None) -> Iterator[tuple[str, str]]:
        """Every object under `prefix` (not deeper than `delimiter`, if given) as (key, ETag),
        in key order, a page of 1,000 at a time: the ETag tells whether an object is still the
        one read before, without reading it."""
        paginator = self.client.get_paginator("list_objects_v2")
        options = {"Delimiter": delimiter} if delimiter else {}
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, **options):
            for obj in page.get("Contents", []):
                yield str(obj["Key"]), str(obj["ETag"])

    def folders(self, prefix: str) -> list[str]:
        """The « folders » right under `prefix` (the common prefixes up to the next `/`)."""
        paginator = self.client.get_paginator("list_objects_v2")
        return [str(found["Prefix"])
                for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/")
                for found in page.get("CommonPrefixes", [])]

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix`, in key order, a page of 1,000 at a time."""
        return (key for key, _ in self.listing(prefix))

    # -- dossiers ------------------------------------------------------------------------------
    @staticmethod
    def dossier_key(numero: str) -> str:
        return f"{DOSSIERS}{numero}.json"

    def dossier(self, numero: str) -> Stored | None:
        """The dossier with this number, or None: none has it, or it is being erased (see
        mark_erasing), so that nobody but the erasure reads, writes or emails it any more."""
        stored = self._get(self.dossier_key(numero))
        return None if stored is None or ERASING in stored.body else stored

    def dossier_even_erasing(self, numero: str) -> Stored | None:
        """The dossier with this number, even one being erased: the erasure's own read."""
        return self._get(self.dossier_key(numero))

    def mark_erasing(self, numero: str, started: str) -> Stored | None:
        """Mark a dossier as being erased (a conditional write, tried again while candidates'
        or staff's writes land first); the marked dossier, or None if there is none.

        From then on `dossier` answers None: a write that read it before fails its own
        conditional write, and one that reads it after finds nothing."""
        for attempt in range(ERASING_ATTEMPTS):
            stored = self.dossier_even_erasing(numero)
            if stored is None or ERASING in stored.body:
                return stored
            try:
                etag = self.update_dossier({**stored.body, ERASING: {"debut": started}},
                                           stored.etag)
                return Stored({**stored.body, ERASING: {"debut": started}}, etag)
            except WriteConflict:
                time.sleep(0.01 * (attempt + 1))
        raise WriteConflict(self.dossier_key(numero))

    def numero_taken(self, numero: str) -> bool:
        """True if a dossier already has this number."""
        return self._exists(self.dossier_key(numero))

    def create_dossier(self, record: dict[str, Any]) -> str:
        """Write a new dossier; WriteConflict if its number exists already."""
        return self._put(self.dossier_key(record["numero"]), record, if_none_match=True)

    def update_dossier(self, record: dict[str, Any], etag: str) -> str:
        """Replace a dossier if it is still at `etag`; WriteConflict otherwise."""
        return self._put(self.dossier_key(record["numero"]), record, if_match=etag)

    # -- one dossier per person and session -----------------------------------------------------
    @staticmethod
    def identity_claim_key(session: str, identity: str) -> str:
        return f"{IDENTITES}{session}/{identity}.json"

    def claim_identity(self, session: str, identity: str,
                       content: dict[str, Any]) -> Stored | None:
        """Claim a person for a number: None if the claim is ours, else the existing claim."""
        key = self.identity_claim_key(session, identity)
        try:
            self._put(key, content, if_none_match=True)
            return None
        except WriteConflict:
            existing = self._get(key)
            if existing is None:  # released in between: try once more
                try:
                    self._put(key, content, if_none_match=True)
                    return None
                except WriteConflict:
                    existing = self._get(key)
            if existing is None:
                raise
            return existing

    def group_holders(self, session: str, group: str) -> list[Stored]:
        """The dossiers holding an identity of one homonym group (`<group>/<person>`,
        shared_rules.identity): one LIST call, then each claim and its dossier; a claim left by
        an unfinished creation or a moved identity is skipped."""
        prefix = f"{IDENTITES}{session}/{group}/"
        holders = []
        for key in self.keys(prefix):
            identity = f"{group}/{key[len(prefix):-len('.json')]}"
            claim = self.identity_claim(session, identity)
            held = self.dossier(claim.body["numero"]) if claim is not None else None
            if held is not None and held.body.get("identite") == identity:
                holders.append(held)
        return holders

    def release_identity(self, session: str, identity: str) -> None:
        """Remove a person's claim (their dossier moved to another identity, or was erased)."""
        self._delete(self.identity_claim_key(session, identity))

    # -- Idempotency-Key records ------------------------------------------------------------------
    @staticmethod
    def idempotency_key(key_hash: str) -> str:
        return f"{IDEMPOTENCE}{key_hash}.json"

    def claim_idempotency(self, key_hash: str, content: dict[str, Any]) -> Stored | None:
        """Record a key's first answer: None if this request is the key's first, else the
        key's record (read once the conditional create failed)."""
        key = self.idempotency_key(key_hash)
        for _ in range(2):
            try:
                self._put(key, content, if_none_match=True)
                return None
            except WriteConflict:
                existing = self._get(key)
                if existing is not None:
                    return existing
                # deleted in between (the lifecycle): try once more
        raise WriteConflict(key)

    def idempotency_record(self, key_hash: str) -> Stored | None:
        """A key's record (written by this release or an earlier one)."""
        return self._get(self.idempotency_key(key_hash))

    # -- confirmation emails -------------------------------------------------------------------
    @staticmethod
    def mail_status_key(numero: str) -> str:
        return f"{COURRIELS}{numero}.json"

    def mail_status(self, numero: str) -> Stored | None:
        """The record of a dossier's confirmation email, or None if none was ever tried."""
        return self._get(self.mail_status_key(numero))

    def record_mail_status(self, numero: str, content: dict[str, Any], *,
                           etag: str | None = None, new: bool = False) -> None:
        """Write the email's record: over anything, or only if still at `etag` / still absent
        (`new`); WriteConflict when another request recorded meanwhile."""
        self._put(self.mail_status_key(numero), content, if_none_match=new, if_match=etag)

    @staticmethod
    def owed_mail_key(numero: str) -> str:
        return f"{COURRIELS_A_RENVOYER}{numero}.json"

    def mark_mail_owed(self, numero: str) -> None:
        """Leave a marker for a failed confirmation email, so that the retry finds it without
        reading every email record (20,000 of them, each hour)."""
        self._put(self.owed_mail_key(numero), {"numero": numero})

    def forget_owed_mail(self, numero: str) -> None:
        """Remove a failed email's marker (sent since, or nothing left to send)."""
        self._delete(self.owed_mail_key(numero))

    def owed_mail_numeros(self) -> list[str]:
        """The numbers of the dossiers whose confirmation email failed (the markers)."""
        return [key[len(COURRIELS_A_RENVOYER):-len(".json")]
                for key in self.keys(COURRIELS_A_RENVOYER)]

    def mail_status_numeros(self) -> list[str]:
        """The numbers of every dossier whose email has a record (the markers' folder left
        out): what a thorough retry reads, markers or not."""
        return [key[len(COURRIELS):-len(".json")]
                for key, _ in self.listing(COURRIELS, delimiter="/")]

    # -- number reminders ------------------------------------------------------------------------
    def identity_claim(self, session: str, identity: str) -> Stored | None:
        """A person's claim (which number they hold), or None."""
        return self._get(self.identity_claim_key(session, identity))

    @staticmethod
    def reminder_key(session: str, identity: str) -> str:
        return f"{RAPPELS}{session}/{identity}.json"

    def reminders(self, session: str, identity: str) -> Stored | None:
        return self._get(self.reminder_key(session, identity))

    def record_reminders(self, session: str, identity: str, content: dict[str, Any], *,
                         etag: str | None) -> None:
        """Write a person's reminder record if unchanged since read (`etag`, or absent when
        None); WriteConflict if a concurrent request wrote it first."""
        self._put(self.reminder_key(session, identity), content, if_none_match=etag is None,
                  if_match=etag)

    # -- failed ownership proofs ---------------------------------------------------------------
    @staticmethod
    def attempts_key(numero: str) -> str:
        return f"{TENTATIVES}{numero}.json"

    def attempts(self, numero: str) -> Stored | None:
        """The ownership proofs counted for a number (and its lock), or None."""
        return self._get(self.attempts_key(numero))

    def record_attempts(self, numero: str, content: dict[str, Any], *,
                        etag: str | None) -> None:
        """Write a number's proofs record if unchanged since read; WriteConflict otherwise."""
        self._put(self.attempts_key(numero), content, if_none_match=etag is None, if_match=etag)

    # -- access links and the proofs they give ---------------------------------------------------
    @staticmethod
    def access_prefix(numero: str) -> str:
        """Every access record of one dossier lies under this prefix."""
        return f"{ACCES}{numero}/"

    @classmethod
    def access_key(cls, numero: str, kind: str, digest: str) -> str:
        """`kind` is "liens" (a link's token) or "preuves" (a proof's); `digest` its SHA-256."""
        return f"{cls.access_prefix(numero)}{kind}/{digest}.json"

    def access_record(self, numero: str, kind: str, digest: str) -> Stored | None:
        return self._get(self.access_key(numero, kind, digest))

    def record_access(self, numero: str, kind: str, digest: str, content: dict[str, Any], *,
                      etag: str | None = None) -> None:
        """Write a new access record (absent before), or update one still at `etag`;
        WriteConflict otherwise (a link used twice at once: one wins)."""
        self._put(self.access_key(numero, kind, digest), content, if_none_match=etag is None,
                  if_match=etag)

    @classmethod
    def link_sends_key(cls, numero: str) -> str:
        return f"{cls.access_prefix(numero)}envois.json"

    def link_sends(self, numero: str) -> Stored | None:
        return self._get(self.link_sends_key(numero))

    def record_link_sends(self, numero: str, content: dict[str, Any], *,
                          etag: str | None) -> None:
        """Write when links were sent for a number if unchanged since read; WriteConflict
        otherwise."""
        self._put(self.link_sends_key(numero), content, if_none_match=etag is None,
                  if_match=etag)

    # -- « déjà inscrit » answers per person -----------------------------------------------------
    @staticmethod
    def duplicates_key(session: str, identity: str) -> str:
        return f"{DOUBLONS}{session}/{identity}.json"

    def duplicates(self, session: str, identity: str) -> Stored | None:
        """A person's recent « déjà inscrit » answers and last alert, or None."""
        return self._get(self.duplicates_key(session, identity))

    def record_duplicates(self, session: str, identity: str, content: dict[str, Any], *,
                          etag: str | None) -> None:
        """Write that record if unchanged since read (`etag`, or absent when None);
        WriteConflict otherwise."""
        self._put(self.duplicates_key(session, identity), content, if_none_match=etag is None,
                  if_match=etag)
