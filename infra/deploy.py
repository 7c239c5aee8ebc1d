"""`make deploy`: `sam deploy` of infra/template.yaml, completed with what only deploy time knows.

`sam deploy --parameter-overrides` given on the command line replaces the list in samconfig.toml
instead of adding to it (aws/aws-sam-cli#2380), so this script reads samconfig's list, adds

- `RetentionDays`, the session data file's retention period (`shared_rules`, the single source);
- `StaffTokenHashes` (the scripts' tokens) and `StaffAccounts` (the staff's accounts and
  roles), read from SSM parameters (a CloudFormation `ssm-secure` reference can't feed a Lambda
  environment variable): the operator edits them, then runs `make deploy` again;

refuses to deploy a session whose production configuration would refuse to start, and runs
`sam deploy --config-file infra/samconfig.toml --parameter-overrides ...`.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent
CONFIG = INFRA / "samconfig.toml"
TEMPLATE = INFRA / "template.yaml"

DEFAULT_STAFF_TOKENS_PARAMETER = "/preinscription-cap/staff-token-hashes"
DEFAULT_STAFF_ACCOUNTS_PARAMETER = "/preinscription-cap/staff-accounts"
PLACEHOLDER = "REPLACE_ME"
# Parameters this script owns: setting them in samconfig.toml is a mistake.
DEPLOY_TIME_PARAMETERS = ("RetentionDays", "StaffTokenHashes", "StaffAccounts")
# Masked when the command is printed (tokens' hashes, the staff's emails).
SECRET_PARAMETERS = frozenset({"StaffTokenHashes", "StaffAccounts"})
_ROLE = "(lecture|gestion|administration)"
STAFF_TOKEN_HASHES = re.compile(
    rf"^[A-Za-z0-9_.-]+:{_ROLE}:[0-9a-f]{{64}}(,[A-Za-z0-9_.-]+:{_ROLE}:[0-9a-f]{{64}})*$")
STAFF_ACCOUNTS = re.compile(rf"^[^\s:,]+@[^\s:,]+:{_ROLE}(,[^\s:,]+@[^\s:,]+:{_ROLE})*$")


class DeployError(Exception):
    """The deployment can't go ahead; the message says what to do."""


class SessionLike(Protocol):
    @property
    def conservation_jours(self) -> int: ...

    def facts_to_confirm(self) -> list[str]: ...


class SsmClient(Protocol):
    def get_parameter(self, **kwargs: Any) -> Mapping[str, Any]: ...


def parse_overrides(value: str | Sequence[str]) -> dict[str, str]:
    """samconfig's `parameter_overrides` (a string or a list of `Key=Value`) as a dict."""
    items = shlex.split(value) if isinstance(value, str) else list(value)
    overrides: dict[str, str] = {}
    for item in items:
        key, sep, val = item.partition("=")
        if not sep or not key:
            raise DeployError(f"samconfig.toml: {item!r} is not Key=Value")
        overrides[key] = val
    return overrides


def read_config(path: Path = CONFIG) -> tuple[dict[str, str], str]:
    """The deploy parameter overrides and the region of samconfig.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    default = data.get("default", {})
    deploy = default.get("deploy", {}).get("parameters", {})
    shared = default.get("global", {}).get("parameters", {})
    region = deploy.get("region") or shared.get("region")
    if not region:
        raise DeployError(f"{path}: no region")
    return parse_overrides(deploy.get("parameter_overrides", [])), str(region)


def check_config(overrides: Mapping[str, str]) -> None:
    """Refuse placeholders and the parameters this script sets itself."""
    left = sorted(key for key, value in overrides.items() if PLACEHOLDER in value)
    if left:
        raise DeployError(
            f"infra/samconfig.toml still has {PLACEHOLDER} in: {', '.join(left)}. "
            "Put your domain, sender and the edge stack's ARNs there (infra/README.md, step 3).")
    owned = sorted(key for key in DEPLOY_TIME_PARAMETERS if key in overrides)
    if owned:
        raise DeployError(
            f"infra/samconfig.toml sets {', '.join(owned)}, which `make deploy` sets itself "
            "(the retention period comes from the session file, the staff token hashes from "
            "SSM): remove them.")


def session_values(code: str, lookup: Callable[[str], SessionLike | None]) -> dict[str, str]:
    """The session's own parameters, once its production configuration can start."""
    session = lookup(code)
    if session is None:
        raise DeployError(f"no session data file for InscriptionSession={code!r} "
                          "(shared_rules/sessions/<code>.yaml)")
    unconfirmed = session.facts_to_confirm()
    if unconfirmed:
        raise DeployError(
            f"session {code}: still « à confirmer »: {', '.join(unconfirmed)}. The production "
            f"handler refuses to start until they are confirmed in "
            f"shared_rules/sessions/{code}.yaml, so nothing is deployed.")
    return {"RetentionDays": str(session.conservation_jours)}


def _read_parameter(client: SsmClient, name: str) -> str:
    try:
        response = client.get_parameter(Name=name, WithDecryption=True)
    except Exception as exc:  # botocore's errors; the message is what the operator needs
        raise DeployError(f"can't read the SSM parameter {name!r}: {exc}") from exc
    return str(response["Parameter"]["Value"]).strip()


def read_staff_token_hashes(client: SsmClient, name: str) -> str:
    """The SecureString's value, checked: `name:role:sha256hex` entries separated by commas."""
    value = _read_parameter(client, name)
    if not STAFF_TOKEN_HASHES.fullmatch(value):
        raise DeployError(
            f"SSM parameter {name!r} is not `name:role:sha256hex` entries separated by commas, "
            "role among lecture, gestion, administration (an entry of the old `name:sha256hex` "
            "form needs its role; infra/README.md, « Staff tokens »)")
    return value


def read_staff_accounts(client: SsmClient, name: str) -> str:
    """The accounts parameter's value, checked: `email:role` pairs separated by commas."""
    value = _read_parameter(client, name)
    if not STAFF_ACCOUNTS.fullmatch(value):
        raise DeployError(
            f"SSM parameter {name!r} is not `email:role` pairs separated by commas, role among "
            "lecture, gestion, administration (infra/README.md, « Staff sign-in »)")
    return value


def sam_command(overrides: Mapping[str, str], *, config: Path = CONFIG) -> list[str]:
    """The `sam deploy` command line."""
    return ["sam", "deploy", "--config-file", str(config), "--template-file", str(TEMPLATE),
            "--parameter-overrides", *(f"{key}={value}" for key, value in overrides.items())]


def shown(command: Sequence[str]) -> str:
    """The command as printed: secret parameter values masked."""
    def mask(arg: str) -> str:
        key, sep, _ = arg.partition("=")
        return f"{key}=****" if sep and key in SECRET_PARAMETERS else arg
    return shlex.join(mask(arg) for arg in command)


def main(argv: Sequence[str] | None = None) -> int:
    """Check, complete the parameters, run sam deploy; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--staff-tokens-parameter",
        default=os.environ.get("STAFF_TOKENS_PARAMETER", DEFAULT_STAFF_TOKENS_PARAMETER),
        help="name of the SSM SecureString holding STAFF_TOKEN_HASHES")
    parser.add_argument(
        "--staff-accounts-parameter",
        default=os.environ.get("STAFF_ACCOUNTS_PARAMETER", DEFAULT_STAFF_ACCOUNTS_PARAMETER),
        help="name of the SSM parameter holding STAFF_ACCOUNTS")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="the samconfig.toml to read (default: infra/samconfig.toml)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check and print the command; read no secret, deploy nothing")
    args = parser.parse_args(argv)
    try:
        if not args.dry_run and shutil.which("sam") is None:
            raise DeployError(
                "the AWS SAM CLI (`sam`) is not installed here: install it "
                "(infra/README.md, « What you need ») and run `make deploy` again.")
        config = args.config.resolve()
        overrides, region = read_config(config)
        check_config(overrides)
        sys.path.insert(0, str(ROOT))
        from shared_rules import get_session
        from shared_rules.session import DEFAULT_SESSION_CODE

        code = overrides.setdefault("InscriptionSession", DEFAULT_SESSION_CODE)
        overrides.update(session_values(code, get_session))
        if args.dry_run:
            overrides["StaffTokenHashes"] = "(not read)"
            overrides["StaffAccounts"] = "(not read)"
        else:
            import boto3

            ssm = boto3.client("ssm", region_name=region)
            overrides["StaffTokenHashes"] = read_staff_token_hashes(
                ssm, args.staff_tokens_parameter)
            overrides["StaffAccounts"] = read_staff_accounts(ssm, args.staff_accounts_parameter)
    except DeployError as exc:
        print(f"make deploy: {exc}", file=sys.stderr)
        return 1
    command = sam_command(overrides, config=config)
    print(shown(command), flush=True)
    if args.dry_run:
        print(f"(dry run: StaffTokenHashes would be read from the SSM SecureString "
              f"{args.staff_tokens_parameter} and StaffAccounts from "
              f"{args.staff_accounts_parameter} in {region}; nothing deployed)")
        return 0
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
