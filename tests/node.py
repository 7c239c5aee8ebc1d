"""Node, for the tests that run the browser's or CloudFront's JavaScript: its path, or, when it
is missing, a skip here and a failure under CI (where a test that can't run must fail)."""

from __future__ import annotations

import os
import shutil

import pytest


def node(purpose: str) -> str:
    """The `node` executable; `purpose` says what goes unchecked without it."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"node is needed to {purpose}")
        pytest.skip(f"node not found: can't {purpose} here")
    return found
