"""The service's fixtures (tests/fixtures.py: moto in-process and in server mode, the app
and its clients) for the tests of the dossier both sides share."""

from tests.fixtures import *  # noqa: F403
