"""Build the Lambda package: the handler, the rules and the pinned runtime dependencies.

    python infra/package.py [--python-version 3.13] [--architecture x86_64] [--out build/lambda.zip]

The runtime dependencies are read from pyproject.toml (one list, pinned there): manylinux wheels
for the target Python and architecture, no dev dependencies, no tests, no local-run module.
Prints the zipped and unzipped sizes (Lambda's limits: 50 MB zipped, 250 MB unzipped).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("shared_rules", "handler")
# Development-only modules and data that the function never imports.
EXCLUDED = {"handler/local_server.py", "shared_rules/examples"}
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
# botocore ships the API models of every AWS service (28 MB); the function calls only these.
BOTOCORE_SERVICES = ("s3", "ses", "sesv2", "lambda", "sts", "secretsmanager")
ZIP_LIMIT, UNZIPPED_LIMIT = 50 * 1024 * 1024, 250 * 1024 * 1024


def runtime_requirements() -> list[str]:
    """The pinned runtime dependencies of pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def _excluded(relative: str) -> bool:
    return any(relative == e or relative.startswith(e + "/") for e in EXCLUDED) or (
        "__pycache__" in relative)


def build(out: Path, *, python_version: str, architecture: str) -> tuple[int, int]:
    """Write the zip; returns (zipped, unzipped) sizes in bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "package"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-compile", "--target", str(staging), "--implementation", "cp",
             "--python-version", python_version, "--platform", PLATFORMS[architecture],
             "--only-binary=:all:", *runtime_requirements()],
            check=True,
        )
        for package in PACKAGES:
            for source in sorted((ROOT / package).rglob("*")):
                relative = source.relative_to(ROOT).as_posix()
                if source.is_file() and not _excluded(relative):
                    target = staging / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)
        for model in (staging / "botocore" / "data").iterdir():
            if model.is_dir() and model.name not in BOTOCORE_SERVICES:
                shutil.rmtree(model)
        for bulky in staging.glob("*.dist-info"):
            # Keep the licence files; drop the RECORDs that list files we never ship.
            (bulky / "RECORD").unlink(missing_ok=True)
        if python_version == f"{sys.version_info.major}.{sys.version_info.minor}":
            # Bytecode for the target interpreter spares each cold start compiling every module
            # (Lambda's code folder is read-only, so nothing compiled there is ever kept).
            # Checked by hash, not timestamp: the zip's entries all carry one fixed date.
            # The PDF libraries load only when a PDF is asked for: left uncompiled, they keep the
            # package small.
            subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0",
                            "--invalidation-mode", "unchecked-hash",
                            "-x", r"/(fontTools|PIL|fpdf|defusedxml)/", str(staging)], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        unzipped = 0
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    unzipped += path.stat().st_size
                    info = zipfile.ZipInfo(path.relative_to(staging).as_posix(),
                                           date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = 0o644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
    return out.stat().st_size, unzipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/package.py", description=__doc__)
    local = f"{sys.version_info.major}.{sys.version_info.minor}"
    parser.add_argument("--python-version", default=local)
    parser.add_argument("--architecture", choices=sorted(PLATFORMS), default="x86_64")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lambda.zip")
    args = parser.parse_args(argv)
    zipped, unzipped = build(args.out, python_version=args.python_version,
                             architecture=args.architecture)
    print(f"{args.out}: Python {args.python_version}, {args.architecture}: "
          f"{zipped / 1e6:.1f} MB zipped ({zipped / ZIP_LIMIT:.0%} of Lambda's 50 MB), "
          f"{unzipped / 1e6:.1f} MB unzipped ({unzipped / UNZIPPED_LIMIT:.0%} of 250 MB)")
    return 0 if zipped < ZIP_LIMIT and unzipped < UNZIPPED_LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
