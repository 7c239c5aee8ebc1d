"""Command line: `python -m shared_rules export|check|render-site [--session CODE]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from shared_rules import InvalidDossier, load
from shared_rules.export import export_rules
from shared_rules.registry import DEFAULT_REGISTRY
from shared_rules.session import DEFAULT_SESSION_CODE, SessionDataError
from shared_rules.site_pages import SiteDataError, render_site

EXAMPLE = Path(__file__).parent / "examples" / "dossier-valide.json"
#: Where `render-site` writes, relative to the working directory (the repository's root).
SITE_SNIPPETS = Path("site/_generated")
SITE_RULES = Path("site/docs/assets/rules.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared_rules")
    commands = parser.add_subparsers(dest="command", required=True)
    default_session = os.environ.get("INSCRIPTION_SESSION", DEFAULT_SESSION_CODE)
    export = commands.add_parser("export", help="print the session's rules as JSON")
    export.add_argument("--session", default=default_session)
    export.add_argument("--out", type=Path, help="write to this file instead of printing")
    commands.add_parser("check", help="load every session file and validate the example dossier")
    site = commands.add_parser("render-site",
                               help="write the site's generated snippets and rules JSON")
    site.add_argument("--session", default=default_session)
    site.add_argument("--snippets", type=Path, default=SITE_SNIPPETS,
                      help=f"folder of the generated Markdown snippets ({SITE_SNIPPETS})")
    site.add_argument("--rules", type=Path, default=SITE_RULES,
                      help=f"the rules JSON the site publishes ({SITE_RULES})")
    args = parser.parse_args(argv)

    try:
        if args.command in ("export", "render-site"):
            session = DEFAULT_REGISTRY.get(args.session)
            if session is None:
                print(f"unknown session {args.session!r}; known: "
                      f"{', '.join(DEFAULT_REGISTRY.codes())}", file=sys.stderr)
                return 2
        if args.command == "render-site":
            assert session is not None
            written = render_site(session, snippets_dir=args.snippets, rules_path=args.rules)
            print(f"site {session.code}: {len(written)} files written "
                  f"({args.snippets}/, {args.rules})")
            return 0
        if args.command == "export":
            assert session is not None
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
    except SiteDataError as exc:
        print(f"site data error: {exc}", file=sys.stderr)
        return 1
    except InvalidDossier as exc:
        print(f"{EXAMPLE.name}: {exc.errors}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
