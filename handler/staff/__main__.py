"""`python -m handler.staff`: see handler.staff.cli."""

from __future__ import annotations

from handler.staff.cli import run

raise SystemExit(run())
