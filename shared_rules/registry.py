"""The session data files found in one or more folders, each loaded once, checked against the
conditions the pieces' rules know (shared_rules.pieces): the one place that ties the data to
those rules, so that neither shared_rules.session nor shared_rules.pieces imports the other
way round."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from shared_rules.pieces import CONDITIONS
from shared_rules.session import PACKAGE_SESSIONS_DIR, Session, load_session_file

_CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class SessionRegistry:
    """The sessions found in one or more folders, loaded lazily and kept."""

    def __init__(self, directories: Iterable[Path] = (PACKAGE_SESSIONS_DIR,)) -> None:
        self._directories = tuple(Path(d) for d in directories)
        self._loaded: dict[str, Session] = {}

    def codes(self) -> list[str]:
        """The codes of every session data file available."""
        return sorted({p.stem for d in self._directories for p in d.glob("*.yaml")})

    def get(self, code: str) -> Session | None:
        """The session with this code, or None if no file describes it."""
        if code in self._loaded:
            return self._loaded[code]
        if not _CODE_PATTERN.fullmatch(code):
            return None  # never turn user input into a path outside the folders
        for d in self._directories:
            path = d / f"{code}.yaml"
            if path.is_file():
                self._loaded[code] = load_session_file(path, conditions=CONDITIONS)
                return self._loaded[code]
        return None


DEFAULT_REGISTRY = SessionRegistry()
