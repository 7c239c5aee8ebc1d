"""Issue 28: the two scanners behind one interface — Debian's clamscan for real, with a database
made here holding only the EICAR signature, and GuardDuty's verdict tag read from moto's S3."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from handler.platform import antivirus
from handler.platform.antivirus import (
    EICAR,
    ClamAV,
    GuardDutyTags,
    Scanner,
    Verdict,
    write_test_database,
)
from tests.fixtures import BUCKET
from tests.pieces.test_verification import make_pdf

FOUND = f"{antivirus.TEST_SIGNATURE}.UNOFFICIAL"


@pytest.fixture(scope="module")
def clamscan() -> str:
    """clamscan's path: a failure under CI (where a test that can't run must fail), a skip
    elsewhere."""
    found = shutil.which("clamscan")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("clamscan is needed to scan the pieces (apt-get install clamav)")
        pytest.skip("clamscan not found: apt-get install clamav to run the malware scan's tests")
    return found


@pytest.fixture
def clamav(clamscan: str, tmp_path: Path) -> ClamAV:
    return ClamAV(write_test_database(tmp_path), command=clamscan)


def scan(scanner: Scanner, content: bytes) -> Verdict:
    return scanner.scan(content, bucket=BUCKET, key="televersements/2021-000123/piece.pdf")


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def test_eicar_is_the_standard_68_byte_test_file() -> None:
    assert len(EICAR) == 68
    assert EICAR.startswith(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!")


def test_the_test_database_holds_only_the_eicar_signature(tmp_path: Path) -> None:
    path = write_test_database(tmp_path)

    assert path.parent == tmp_path and path.suffix == ".ndb"
    assert path.read_text(encoding="ascii") == f"{antivirus.TEST_SIGNATURE}:0:*:{EICAR.hex()}\n"


# -- ClamAV -----------------------------------------------------------------------------------

def test_clamav_finds_eicar_and_names_it(clamav: ClamAV) -> None:
    assert scan(clamav, EICAR) == Verdict("infecte", FOUND)


def test_clamav_finds_a_clean_pdf_clean(clamav: ClamAV) -> None:
    assert scan(clamav, make_pdf()) == Verdict("sain")


@pytest.mark.parametrize("content", [
    # clamscan unpacks the archive and matches the file inside.
    pytest.param(zipped("attestation.txt", EICAR), id="inside a zip"),
    # The body signature matches anywhere in the file: after a PDF's %%EOF too.
    pytest.param(make_pdf() + EICAR, id="appended to a PDF"),
    pytest.param(make_pdf()[:200] + EICAR + make_pdf()[200:], id="inside a PDF"),
])
def test_clamav_finds_eicar_hidden_in_another_file(clamav: ClamAV, content: bytes) -> None:
    assert scan(clamav, content) == Verdict("infecte", FOUND)


def test_clamav_without_its_database_is_a_failure_not_a_clean_verdict(
        clamscan: str, tmp_path: Path) -> None:
    scanner = ClamAV(tmp_path / "absente.ndb", command=clamscan)

    assert scan(scanner, EICAR) == Verdict("echec")


def test_clamav_missing_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    scanner = ClamAV(write_test_database(tmp_path), command=str(tmp_path / "pas-de-clamscan"))

    assert scan(scanner, EICAR) == Verdict("echec")


def test_clamav_over_its_time_is_a_failure(tmp_path: Path) -> None:
    # A real command that outlives the timeout (it ignores its arguments' meaning).
    sleeper = tmp_path / "lent"
    sleeper.write_text("#!/bin/sh\nsleep 5\n", encoding="ascii")
    sleeper.chmod(0o755)
    scanner = ClamAV(write_test_database(tmp_path), command=str(sleeper), timeout=0.2)

    assert scan(scanner, EICAR) == Verdict("echec")


# -- GuardDuty's tags -------------------------------------------------------------------------

KEY = "televersements/2021-000123/piece.pdf"


@pytest.mark.parametrize(("tag", "verdict"), [
    ("NO_THREATS_FOUND", Verdict("sain")),
    ("THREATS_FOUND", Verdict("infecte")),
    ("UNSUPPORTED", Verdict("echec")),
    ("ACCESS_DENIED", Verdict("echec")),
    ("FAILED", Verdict("echec")),
    ("UNE_VALEUR_INCONNUE", Verdict("echec")),
])
def test_guardduty_tag_is_read_as_a_verdict(s3: Any, tag: str, verdict: Verdict) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=make_pdf())
    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging={"TagSet": [
        {"Key": "autre", "Value": "NO_THREATS_FOUND"},
        {"Key": "GuardDutyMalwareScanStatus", "Value": tag}]})

    assert GuardDutyTags(s3).scan(b"", bucket=BUCKET, key=KEY) == verdict


def test_guardduty_not_done_yet_is_pending(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=EICAR,
                  Tagging="autre=NO_THREATS_FOUND")

    assert GuardDutyTags(s3).scan(EICAR, bucket=BUCKET, key=KEY) == Verdict("en_attente")


def test_guardduty_on_a_missing_object_is_a_failure_not_an_exception(s3: Any) -> None:
    assert GuardDutyTags(s3).scan(b"", bucket=BUCKET, key=KEY) == Verdict("echec")
