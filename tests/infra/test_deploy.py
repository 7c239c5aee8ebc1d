"""infra/deploy.py, behind `make deploy`: what it refuses, and the sam command it builds."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

import shared_rules
from shared_rules.registry import SessionRegistry
from shared_rules.session import Session

INFRA = Path(__file__).resolve().parents[2] / "infra"
HASH = "0123456789abcdef" * 4
HASHES = f"secretariat:administration:{HASH},dec4:lecture:{'f' * 64}"
PARAMETER = "/preinscription-cap/staff-token-hashes"
ACCOUNTS = "agent.un@ac-limoges.fr:gestion,agent.deux@ac-limoges.fr:administration"
ACCOUNTS_PARAMETER = "/preinscription-cap/staff-accounts"
CONFIGURED = """\
version = 0.1
[default.global.parameters]
stack_name = "preinscription-cap"
region = "eu-west-3"
[default.deploy.parameters]
parameter_overrides = [
    "DomainName=preinscription-cap.example.fr",
    "MailFrom=ne-pas-repondre@example.fr",
    "CertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "WebAclArn=arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/123",
    "InscriptionSession=cap-fictive-2099-06",
]
"""


def _load_deploy() -> ModuleType:
    spec = importlib.util.spec_from_file_location("infra_deploy", INFRA / "deploy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


deploy = _load_deploy()


@pytest.fixture
def fictive_session(registry_with_fictive_session: SessionRegistry,
                    monkeypatch: pytest.MonkeyPatch) -> Session:
    """shared_rules.get_session also finds the tests' fictional, fully confirmed session."""
    original = shared_rules.get_session

    def get_session(code: str) -> Session | None:
        return original(code, registry=registry_with_fictive_session)

    monkeypatch.setattr(shared_rules, "get_session", get_session)
    session = get_session("cap-fictive-2099-06")
    assert session is not None and session.facts_to_confirm() == []
    return session


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    config = tmp_path / "samconfig.toml"
    config.write_text(CONFIGURED, encoding="utf-8")
    return config


@pytest.fixture
def fake_sam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `sam` on PATH that records its arguments, one per line."""
    record = tmp_path / "sam-args.txt"
    sam = tmp_path / "bin" / "sam"
    sam.parent.mkdir()
    sam.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    sam.chmod(sam.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{sam.parent}{os.pathsep}{os.environ['PATH']}")
    return record


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield boto3.client("ssm", region_name="eu-west-3")


@pytest.mark.parametrize("value, expected", [
    (["A=1", "B=x=y"], {"A": "1", "B": "x=y"}),
    ('A=1 B="two words"', {"A": "1", "B": "two words"}),
    ([], {}),
])
def test_parse_overrides_reads_list_and_string_forms(value: Any, expected: dict[str, str]) -> None:
    assert deploy.parse_overrides(value) == expected


def test_parse_overrides_refuses_an_item_without_a_value() -> None:
    with pytest.raises(deploy.DeployError, match="not Key=Value"):
        deploy.parse_overrides(["DomainName"])


def test_checked_in_config_deploys_to_paris_and_leaves_deploy_time_values_out() -> None:
    overrides, region = deploy.read_config()
    assert region == "eu-west-3"
    assert not set(deploy.DEPLOY_TIME_PARAMETERS) & set(overrides)


def test_config_with_placeholders_is_refused() -> None:
    overrides = {"DomainName": "REPLACE_ME.example.fr", "MailFrom": "a@b.fr",
                 "WebAclArn": "arn:aws:wafv2:us-east-1:0:global/webacl/REPLACE_ME/1"}
    with pytest.raises(deploy.DeployError, match="REPLACE_ME in: DomainName, WebAclArn"):
        deploy.check_config(overrides)


@pytest.mark.parametrize("name", ["RetentionDays", "StaffTokenHashes"])
def test_config_may_not_set_what_deploy_sets(name: str) -> None:
    with pytest.raises(deploy.DeployError, match=f"sets {name}"):
        deploy.check_config({"DomainName": "a.example.fr", name: "1"})


def test_retention_comes_from_the_session_file(fictive_session: Session) -> None:
    values = deploy.session_values("cap-fictive-2099-06", shared_rules.get_session)
    assert values == {"RetentionDays": str(fictive_session.conservation_jours)}


def test_session_with_unconfirmed_facts_is_not_deployed() -> None:
    # The real session's address and retention period still await the Rectorat.
    with pytest.raises(deploy.DeployError, match="donnees_personnelles.conservation"):
        deploy.session_values("cap-limoges-2021-06", shared_rules.get_session)


def test_unknown_session_is_refused() -> None:
    with pytest.raises(deploy.DeployError, match="no session data file"):
        deploy.session_values("cap-nulle-part", shared_rules.get_session)


def test_staff_token_hashes_are_read_from_the_securestring(aws: Any) -> None:
    aws.put_parameter(Name=PARAMETER, Value=HASHES, Type="SecureString")
    assert deploy.read_staff_token_hashes(aws, PARAMETER) == HASHES


@pytest.mark.parametrize("value", ["secretariat", f"secretariat:gestion:{HASH.upper()}",
                                   f"a:gestion:{HASH};b:gestion:{HASH}",
                                   f"a b:gestion:{HASH}", f"a:chef:{HASH}",
                                   f"secretariat:{HASH}"])
def test_malformed_staff_token_hashes_are_refused(aws: Any, value: str) -> None:
    aws.put_parameter(Name=PARAMETER, Value=value, Type="SecureString")
    with pytest.raises(deploy.DeployError, match="name:role:sha256hex"):
        deploy.read_staff_token_hashes(aws, PARAMETER)


def test_staff_accounts_are_read_from_their_parameter(aws: Any) -> None:
    aws.put_parameter(Name=ACCOUNTS_PARAMETER, Value=ACCOUNTS, Type="SecureString")
    assert deploy.read_staff_accounts(aws, ACCOUNTS_PARAMETER) == ACCOUNTS


@pytest.mark.parametrize("value", ["agent@ac-limoges.fr", "agent@ac-limoges.fr:chef",
                                   "agent:gestion", "a@b.fr:gestion;c@d.fr:lecture"])
def test_malformed_staff_accounts_are_refused(aws: Any, value: str) -> None:
    aws.put_parameter(Name=ACCOUNTS_PARAMETER, Value=value, Type="String")
    with pytest.raises(deploy.DeployError, match="email:role"):
        deploy.read_staff_accounts(aws, ACCOUNTS_PARAMETER)


def test_missing_securestring_says_which_parameter(aws: Any) -> None:
    with pytest.raises(deploy.DeployError, match=f"can't read the SSM parameter '{PARAMETER}'"):
        deploy.read_staff_token_hashes(aws, PARAMETER)


def test_printed_command_masks_the_staff_token_hashes() -> None:
    command = deploy.sam_command({"DomainName": "a.example.fr", "StaffTokenHashes": HASHES})
    assert f"StaffTokenHashes={HASHES}" in command
    printed = deploy.shown(command)
    assert HASH not in printed
    assert "StaffTokenHashes=****" in printed


def test_deploy_without_sam_says_how_to_get_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(deploy.shutil, "which", lambda name: None)
    assert deploy.main([]) == 1
    assert "AWS SAM CLI (`sam`) is not installed" in capsys.readouterr().err


def test_dry_run_prints_the_command_without_reading_secrets(
        configured: Path, fictive_session: Session,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["--dry-run", "--config", str(configured)]) == 0
    out = capsys.readouterr().out
    assert f"RetentionDays={fictive_session.conservation_jours}" in out
    assert "StaffTokenHashes=****" in out
    assert "nothing deployed" in out


def test_deploy_runs_sam_with_samconfig_and_the_deploy_time_values(
        configured: Path, fictive_session: Session, fake_sam: Path, aws: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    aws.put_parameter(Name=PARAMETER, Value=HASHES, Type="SecureString")
    aws.put_parameter(Name=ACCOUNTS_PARAMETER, Value=ACCOUNTS, Type="SecureString")
    assert deploy.main(["--config", str(configured), "--staff-tokens-parameter", PARAMETER,
                        "--staff-accounts-parameter", ACCOUNTS_PARAMETER]) == 0
    args = fake_sam.read_text(encoding="utf-8").splitlines()
    assert args[:5] == ["deploy", "--config-file", str(configured),
                        "--template-file", str(INFRA / "template.yaml")]
    assert args[5] == "--parameter-overrides"
    assert args[6:] == [
        "DomainName=preinscription-cap.example.fr",
        "MailFrom=ne-pas-repondre@example.fr",
        "CertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "WebAclArn=arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/123",
        "InscriptionSession=cap-fictive-2099-06",
        f"RetentionDays={fictive_session.conservation_jours}",
        f"StaffTokenHashes={HASHES}",
        f"StaffAccounts={ACCOUNTS}",
    ]
    printed = capsys.readouterr().out
    assert HASH not in printed and "agent.un@" not in printed


def test_deploy_script_runs_standalone_and_explains_a_refusal(tmp_path: Path) -> None:
    config = tmp_path / "samconfig.toml"
    config.write_text(CONFIGURED.replace("example.fr\"", "REPLACE_ME.fr\"", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(INFRA / "deploy.py"), "--dry-run", "--config", str(config)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "still has REPLACE_ME in: DomainName" in result.stderr
