"""`python -m handler.staff`: see handler.staff.cli."""

from __future__ import annotations

import logging

from handler.staff.cli import run

# The operator reads the command's own French lines; the service's internal warnings (an index
# repair postponed…) are for the service's logs, not for this terminal.
logging.basicConfig(level=logging.ERROR, format="%(message)s")
raise SystemExit(run())
