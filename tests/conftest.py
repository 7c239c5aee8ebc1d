"""Fixtures shared by every test."""

from __future__ import annotations

import pytest

from shared_rules.registry import SessionRegistry
from shared_rules.session import PACKAGE_SESSIONS_DIR
from tests.factories import TEST_SESSIONS_DIR


@pytest.fixture(scope="session")
def registry_with_fictive_session() -> SessionRegistry:
    """The package's sessions plus the tests' fictional one."""
    return SessionRegistry([PACKAGE_SESSIONS_DIR, TEST_SESSIONS_DIR])
