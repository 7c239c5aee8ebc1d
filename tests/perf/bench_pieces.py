"""`make bench`, the pieces returned online (issue 28): what asking for an upload costs the
function, against a bare S3 round trip in the same run.

Through the local run (waitress, moto's S3 server, ClamAV with the test database), online:
- the S3 calls the function makes to give a presigned POST, with an access proof (what the page
  sends: an access link's, or the one it exchanges the birth date for once), and what that
  exchange costs (the birth date's check is counted, issue 14);
- that request's median latency against a bare boto3 get_object of the same dossier;
- the bytes of that request and of the registration that follows, against the file's: no byte
  of a piece passes through the function (the file goes to the bucket's own address).

    python -m tests.perf.bench_pieces [--requests 100] [--out tests/perf/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import requests

from handler.candidats import access_tokens
from handler.dossier.numero import canonical
from handler.local_server import LocalStack
from tests.factories import make_dossier
from tests.perf.bench import site_or_blank

SECTION = "## Pieces returned online (issue 28)"
#: Issue 28's budget: S3 calls in the function per upload request.
BUDGET = 2
BORN = make_dossier()["etat_civil"]["date_naissance"]


def _call(url: str, *, body: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None, method: str | None = None,
          ) -> tuple[int, Any, float]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
        return response.status, answer, time.perf_counter() - started


def _scan_like_pdf(pages: int = 3) -> bytes:
    """A PDF of a few pages of noise images, the weight of a scanned document."""
    import random

    from fpdf import FPDF
    from PIL import Image

    document = FPDF()
    noise = random.Random(28)
    for _ in range(pages):
        document.add_page()
        image = Image.frombytes("L", (600, 800), bytes(noise.getrandbits(8)
                                                       for _ in range(600 * 800)))
        document.image(image, x=10, y=10, w=190)
    return bytes(document.output())


PROOF_MINUTES = access_tokens.PROOF_SECONDS // 60


def run(count: int, out: Path | None = None) -> str:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack(site_dir=site_or_blank(Path(tmp)), port=0, retour="en_ligne",
                           clamav_dir=Path(tmp) / "clamav",
                           config={"SUBMISSIONS_PER_CLIENT": "0",
                                   "TELEVERSEMENTS_PER_CLIENT": "0"})
        url = stack.start()
        stack.serve_in_background()
        try:
            text = _measure(stack, url, count)
        finally:
            stack.stop()
    if out is not None:
        previous = out.read_text(encoding="utf-8") if out.is_file() else ""
        kept = previous.split(SECTION)[0].rstrip("\n")
        out.write_text((kept + "\n\n" if kept else "") + text, encoding="utf-8")
    return text


def _measure(stack: LocalStack, url: str, count: int) -> str:
    assert stack.api is not None
    store = stack.api.extensions["dossier_store"]
    status, created, _ = _call(url + "api/dossiers", body=make_dossier())
    assert status == 201, created
    numero = created["numero"]
    birth = {"X-Date-Naissance": BORN}
    form_url = f"{url}api/dossiers/{numero}/pieces/piece-identite/formulaire"
    pdf = _scan_like_pdf()
    declared = {"type": "application/pdf", "taille": len(pdf)}

    calls: list[str] = []
    client = store.client

    def count_call(**kwargs: Any) -> None:
        calls.append(str(kwargs["request"].method))

    client.meta.events.register("before-send.s3", count_call)
    _, exchanged, _ = _call(f"{url}api/dossiers/{numero}/preuve", headers=birth,
                                method="POST")
    exchange = len(calls)
    proof = {access_tokens.PROOF_HEADER: exchanged["acces"]["jeton"]}
    _call(form_url, body=declared, headers=proof)  # warm-up
    calls.clear()
    _call(form_url, body=declared, headers=proof)
    with_proof = len(calls)
    calls.clear()
    _call(form_url, body=declared, headers=birth)
    with_birth = len(calls)

    key = store.dossier_key(str(canonical(numero)))
    latencies, bare = [], []
    for _ in range(count):  # alternating rounds: the machine's load falls on both alike
        latencies.append(_call(form_url, body=declared, headers=proof)[2])
        started = time.perf_counter()
        client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
        bare.append(time.perf_counter() - started)
    client.meta.events.unregister("before-send.s3", count_call)

    # One upload for real: the request bodies the function reads, against the file.
    form_body = json.dumps(declared).encode()
    _, form, _ = _call(form_url, body=declared, headers=proof)
    sent = requests.post(form["url"], data=form["champs"], files={"file": ("p.pdf", pdf)},
                         timeout=30)
    assert sent.status_code == 204, sent.text
    register_body = json.dumps({"cle": form["cle"]}).encode()
    status, _, _ = _call(f"{url}api/dossiers/{numero}/pieces/piece-identite",
                         body={"cle": form["cle"]}, headers=proof)
    assert status == 202
    through_function = len(form_body) + len(register_body)

    ms = 1000
    median, bare_median = statistics.median(latencies), statistics.median(bare)
    met = "yes" if with_proof <= BUDGET else "no"
    return "\n".join([
        SECTION,
        "",
        f"Measured by `make bench` ({count} upload requests in alternating rounds with a bare "
        "S3 get_object of the dossier, through the local run: waitress and moto's S3 server).",
        "",
        "| target | measured | budget | met |",
        "| --- | --- | --- | --- |",
        f"| S3 calls in the function to give a presigned POST, with an access proof | "
        f"{with_proof} | ≤ {BUDGET} | {met} |",
        f"| exchanging the birth date for that proof, once per {PROOF_MINUTES} minutes (the "
        f"check counted, issue 14) | {exchange} | — | — |",
        f"| a presigned POST asked with the birth date itself (the page never does) | "
        f"{with_birth} | — | — |",
        f"| bytes of the upload's two API requests ÷ bytes of the file | {through_function} ÷ "
        f"{len(pdf)} | no byte of the file | {'yes' if through_function < 200 else 'no'} |",
        "",
        f"- Upload request median **{median * ms:.1f} ms**, bare get_object "
        f"**{bare_median * ms:.1f} ms**: **{median / bare_median:.1f}×** (the form is signed "
        "in the function, no S3 call for it).",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_pieces")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args(argv)
    print(run(args.requests, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
