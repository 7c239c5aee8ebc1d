"""The service's fixtures (tests/fixtures.py: moto in-process and in server mode, the app
and its clients) for the tests of the candidates' side."""

from tests.fixtures import *  # noqa: F403
