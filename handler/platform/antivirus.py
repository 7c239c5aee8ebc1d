"""Malware scanning of the uploaded pieces (issue 28): one interface, two scanners.

- Production: GuardDuty Malware Protection for S3 scans every object put under the protected
  prefix (infra/template.yaml) and tags it with its verdict; `GuardDutyTags` reads the tag.
- The local run and the tests: Debian's ClamAV (`clamscan`) with a database given to it — the
  tests make a small one holding only the EICAR test signature (`write_test_database`), so no
  signature download (freshclam) and no network is needed.

A scanner never raises: a fault of its own is the verdict « echec », which the caller treats as
« not clean » (the piece stays unserved, the bureau can look).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

SAIN = "sain"
INFECTE = "infecte"
EN_ATTENTE = "en_attente"
ECHEC = "echec"

# The standard anti-malware test file (EICAR), 68 bytes; written in two parts so that this
# source file is not itself taken for it.
EICAR: bytes = (rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD"
                rb"-ANTIVIRUS-TEST-FILE!$H+H*")
#: The name the test database gives the EICAR signature; clamscan reports it with the suffix
#: ".UNOFFICIAL", as it does for any signature outside ClamAV's own databases.
TEST_SIGNATURE = "Preinscription.Test.EICAR"

# GuardDuty Malware Protection for S3 tags each scanned object GuardDutyMalwareScanStatus with
# one of these values: « Monitoring S3 object scans with GuardDuty managed tags »,
# https://docs.aws.amazon.com/guardduty/latest/ug/monitor-enable-s3-object-tagging-malware-protection.html
# and the values' list, « S3 object potential scan status and result status »,
# https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html
GUARDDUTY_TAG = "GuardDutyMalwareScanStatus"
GUARDDUTY_VERDICTS = {
    "NO_THREATS_FOUND": SAIN,
    "THREATS_FOUND": INFECTE,
    "UNSUPPORTED": ECHEC,        # skipped: password-protected, too large, over its quotas…
    "ACCESS_DENIED": ECHEC,      # the plan's role can't read the object
    "FAILED": ECHEC,             # GuardDuty's internal error
}


@dataclass(frozen=True)
class Verdict:
    """A scan's outcome, and for an infected file what was found (for the bureau's alert)."""

    etat: str                 # "sain" | "infecte" | "en_attente" | "echec"
    signature: str | None = None


class Scanner(Protocol):
    """Scans one uploaded piece: its bytes, or the S3 object they were read from."""

    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict: ...


class ClamAV:
    """Debian's clamscan with a given database: the local run's and the tests' scanner."""

    def __init__(self, database: Path, *, command: str = "clamscan", timeout: float = 60):
        self.database = database
        self.command = command
        self.timeout = timeout

    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict:
        """The verdict of clamscan on the bytes (given on its standard input)."""
        try:
            done = subprocess.run(
                [self.command, "--no-summary", "--database", str(self.database), "-"],
                input=content, capture_output=True, timeout=self.timeout, check=False)
        except (OSError, subprocess.SubprocessError):
            return Verdict(ECHEC)
        # clamscan's exit status: 0 nothing found, 1 a virus found, 2 an error.
        if done.returncode == 0:
            return Verdict(SAIN)
        if done.returncode == 1:
            return Verdict(INFECTE, _found(done.stdout.decode("utf-8", "replace")))
        return Verdict(ECHEC)


def _found(output: str) -> str | None:
    # One line per detection: "stdin: <signature> FOUND".
    for line in output.splitlines():
        if line.endswith(" FOUND") and ": " in line:
            return line.removesuffix(" FOUND").rsplit(": ", 1)[1]
    return None


class GuardDutyTags:
    """Production: reads the verdict GuardDuty Malware Protection for S3 tagged the object with."""

    def __init__(self, s3_client: Any):
        self.s3 = s3_client

    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict:
        """The object's tag as a verdict; no tag yet is « en_attente » (the scan takes seconds)."""
        try:
            tags = self.s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        except (ClientError, BotoCoreError):
            return Verdict(ECHEC)
        values = [tag["Value"] for tag in tags if tag["Key"] == GUARDDUTY_TAG]
        if not values:
            return Verdict(EN_ATTENTE)
        # An unknown value is never taken for clean. GuardDuty's tag doesn't name the threat
        # (its EventBridge event and finding do): no signature here.
        return Verdict(GUARDDUTY_VERDICTS.get(values[0], ECHEC))


def write_test_database(folder: Path) -> Path:
    """A ClamAV database holding only the EICAR signature, written in `folder`; its path.

    A body signature (.ndb) matching the 68 bytes anywhere in any file, so that clamscan also
    finds them inside an archive it unpacks or appended to a PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "preinscription-test.ndb"
    path.write_text(f"{TEST_SIGNATURE}:0:*:{EICAR.hex()}\n", encoding="ascii")
    return path
