"""Malware scanning of uploaded pieces (minimal version; the full one lands with issue 28's
verification branch)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")


@dataclass(frozen=True)
class Verdict:
    etat: str
    signature: str | None = None


class Scanner(Protocol):
    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict: ...


class ClamAV:
    def __init__(self, database: Path, *, command: str = "clamscan", timeout: float = 60) -> None:
        self.database, self.command, self.timeout = database, command, timeout

    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict:
        try:
            done = subprocess.run([self.command, "--no-summary", "-d", str(self.database), "-"],
                                  input=content, capture_output=True, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired):
            return Verdict("echec")
        if done.returncode == 0:
            return Verdict("sain")
        if done.returncode == 1:
            found = done.stdout.decode(errors="replace").rsplit(":", 1)[-1]
            return Verdict("infecte", found.replace("FOUND", "").strip())
        return Verdict("echec")


class GuardDutyTags:
    def __init__(self, s3_client: Any) -> None:
        self.client = s3_client

    def scan(self, content: bytes, *, bucket: str, key: str) -> Verdict:
        try:
            tags = self.client.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        except ClientError:
            return Verdict("echec")
        status = {t["Key"]: t["Value"] for t in tags}.get("GuardDutyMalwareScanStatus")
        if status is None:
            return Verdict("en_attente")
        return {"NO_THREATS_FOUND": Verdict("sain"),
                "THREATS_FOUND": Verdict("infecte", "GuardDuty")}.get(status, Verdict("echec"))


def write_test_database(folder: Path) -> Path:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "eicar.hdb"
    path.write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")
    return path
