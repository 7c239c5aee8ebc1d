"""The benchmark itself keeps working (a tiny run in the default suite; `make bench` for real)."""

from __future__ import annotations

from pathlib import Path

from tests.perf import bench


def test_a_tiny_benchmark_run_prints_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    text = bench.run(10, out, registry=64)
    assert out.read_text(encoding="utf-8") == text
    for figure in ("POST /api/dossiers", "bare boto3 put_object", "S3 calls", "Validation alone",
                   "import boto3", "import handler.lambda_function", "Machine:",
                   "at 64 dossiers ÷ at 0", "import flask, marshmallow, boto3, yaml",
                   "(calls × bare put median), through the Lambda entry point",
                   "through the local run's server"):
        assert figure in text
    # The form sends an Idempotency-Key: issue 18's 4 calls, and since issue 25 the key's own
    # record (a key names its first answer whatever happens to the dossier's identity since).
    assert ("| submission: S3 calls with an Idempotency-Key (without) | 5 (4) | ≤ 5 (≤ 4) | yes |"
            in text)


def test_a_tiny_pieces_benchmark_meets_the_upload_requests_budget(tmp_path: Path) -> None:
    from tests.perf import bench_pieces
    from tests.televersement.flow import clamscan_or_fail

    clamscan_or_fail()
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmark results\n\nearlier\n", encoding="utf-8")
    text = bench_pieces.run(5, out)
    assert out.read_text(encoding="utf-8").startswith("# Benchmark results\n\nearlier\n\n")
    assert ("| S3 calls in the function to give a presigned POST, with an access proof | 2 | ≤ 2 "
            "| yes |") in text
    assert "no byte of the file | yes |" in text
