"""The service's fixtures (tests/fixtures.py) for the pieces returned online."""

from tests.fixtures import *  # noqa: F403
