"""Command line: `python -m shared_rules export|check [--session CODE]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from shared_rules import InvalidDossier, load
from shared_rules.export import export_rules
from shared_rules.session import DEFAULT_REGISTRY, DEFAULT_SESSION_CODE, SessionDataError

EXAMPLE = Path(__file__).parent / "examples" / "dossier-valide.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared_rules")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print the session's rules as JSON")
    export.add_argument("--session",
                        default=os.environ.get("INSCRIPTION_SESSION", DEFAULT_SESSION_CODE))
    export.add_argument("--out", type=Path, help="write to this file instead of printing")
    commands.add_parser("check", help="load every session file and validate the example dossier")
    args = parser.parse_args(argv)

    try:
        if args.command == "export":
            session = DEFAULT_REGISTRY.get(args.session)
            if session is None:
                print(f"unknown session {args.session!r}; known: "
                      f"{', '.join(DEFAULT_REGISTRY.codes())}", file=sys.stderr)
                return 2
            text = json.dumps(export_rules(session), ensure_ascii=False, indent=2) + "\n"
            if args.out:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        for code in DEFAULT_REGISTRY.codes():
            DEFAULT_REGISTRY.get(code)
            print(f"session {code}: ok")
        load(json.loads(EXAMPLE.read_text(encoding="utf-8")))
        print(f"{EXAMPLE.name}: valid")
        return 0
    except SessionDataError as exc:
        print(f"session data error: {exc}", file=sys.stderr)
        return 1
    except InvalidDossier as exc:
        print(f"{EXAMPLE.name}: {exc.errors}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
