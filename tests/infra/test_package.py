"""The Lambda package really works: built like `make package`, unzipped, imported in a fresh
Python that sees only that folder, and invoked with an HTTP API event against moto's server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
import requests

from tests.entry_points.test_lambda import make_v2_event
from tests.factories import ROOT, make_dossier

sys.path.insert(0, str(ROOT / "infra"))
import package  # noqa: E402

BUCKET = "dossiers-paquet"

RUNNER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
import handler.lambda_function as entry
imported = time.perf_counter() - started
events = json.load(sys.stdin)
print(json.dumps({"import_seconds": imported,
                  "modules": sorted(m.split(".")[0] for m in sys.modules),
                  "responses": [entry.handler(event, None) for event in events]}))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    out = tmp_path_factory.mktemp("paquet") / "lambda.zip"
    local = f"{sys.version_info.major}.{sys.version_info.minor}"
    zipped, unzipped = package.build(out, python_version=local, architecture="x86_64")
    print(f"\nLambda package for Python {local}: {zipped / 1e6:.1f} MB zipped, "
          f"{unzipped / 1e6:.1f} MB unzipped")
    return out, zipped, unzipped


def test_the_package_is_far_below_lambdas_limits(built: tuple[Path, int, int]) -> None:
    _, zipped, unzipped = built
    # 29 MB zipped since the staff's sign-in: cryptography (Authlib's signature checks of the
    # provider's ID tokens) weighs 4.7 MB of it; a fifth of the limit is left for growth.
    assert zipped < package.ZIP_LIMIT * 0.8
    assert unzipped < package.UNZIPPED_LIMIT / 2


def test_the_package_holds_no_dev_dependency_nor_test(built: tuple[Path, int, int]) -> None:
    names = zipfile.ZipFile(built[0]).namelist()
    tops = {name.split("/")[0] for name in names}
    for dev in ("moto", "pytest", "hypothesis", "waitress", "mkdocs", "playwright", "tests",
                "cfnlint", "ruff", "mypy"):
        assert dev not in tops
    assert "handler/local_server.py" not in names
    assert "handler/lambda_function.py" in names
    assert "shared_rules/sessions/cap-limoges-2021-06.yaml" in names
    assert {"flask", "marshmallow", "boto3", "botocore", "apig_wsgi", "yaml", "tzdata"} <= tops


def test_the_package_keeps_the_model_of_every_service_the_code_calls(
        built: tuple[Path, int, int]) -> None:
    """botocore is trimmed to the services listed in infra/package.py: a client for any other
    would fail in Lambda only (found: secretsmanager, once missing from the list)."""
    called = {match for path in (ROOT / "handler").rglob("*.py")
              for match in re.findall(r'client\(\s*"([a-z0-9-]+)"', path.read_text("utf-8"))}
    assert called and called <= set(package.BOTOCORE_SERVICES)
    names = zipfile.ZipFile(built[0]).namelist()
    for service in called:
        assert any(n.startswith(f"botocore/data/{service}/") for n in names), service


def test_the_unzipped_package_answers_an_http_api_event(
    built: tuple[Path, int, int], moto_server: str, tmp_path: Path,
) -> None:
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    s3 = boto3.client("s3", region_name="eu-west-3", endpoint_url=moto_server)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    folder = tmp_path / "lambda"
    zipfile.ZipFile(built[0]).extractall(folder)

    events = [
        make_v2_event(method="POST", path="/api/dossiers",
                      headers={"content-type": "application/json"},
                      body=json.dumps(make_dossier())),
        make_v2_event(path="/api/session"),
    ]
    environment = {
        "PATH": os.environ["PATH"], "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3", "AWS_ENDPOINT_URL_S3": moto_server,
        "INSCRIPTION_ENV": "test", "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00",
        "DOSSIERS_BUCKET": BUCKET,
    }
    # -S: no site-packages, -E: no PYTHON* variables; only the package folder is on the path.
    result = subprocess.run(
        [sys.executable, "-S", "-E", "-c", RUNNER, str(folder)], input=json.dumps(events),
        capture_output=True, text=True, env=environment, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    created, session = output["responses"]
    assert created["statusCode"] == 201, created["body"]
    numero = json.loads(created["body"])["numero"].replace("-", "")
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=f"dossiers/{numero}.json")["Body"].read())
    assert stored["version"] == 1
    assert session["statusCode"] == 200
    assert "moto" not in output["modules"] and "pytest" not in output["modules"]
    print(f"\nLambda entry point import (cold start, fresh process): "
          f"{output['import_seconds'] * 1000:.0f} ms")
