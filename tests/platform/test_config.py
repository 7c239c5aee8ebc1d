"""Configuration: defaults, environment, overrides, and what refuses to start."""

from __future__ import annotations

import datetime as dt

import pytest

from handler.app import create_app
from handler.platform.clock import CalendarClock
from handler.platform.config import ConfigError, load_config


def test_defaults_then_environment_then_overrides() -> None:
    config = load_config({"SITE_ORIGIN": "https://b.example"},
                         environ={"DOSSIERS_BUCKET": "mon-seau", "SITE_ORIGIN": "https://a"})
    assert config["DOSSIERS_BUCKET"] == "mon-seau"
    assert config["SITE_ORIGIN"] == "https://b.example"
    assert config["INSCRIPTION_ENV"] == "production"
    assert config["INSCRIPTION_SESSION"] == "cap-limoges-2021-06"


@pytest.mark.parametrize(("settings", "message"), [
    ({"INSCRIPTION_ENV": "staging"}, "INSCRIPTION_ENV must be one of"),
    ({"INSCRIPTION_ENV": "production", "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00"},
     "refused in production"),
    ({"INSCRIPTION_ENV": "dev", "INSCRIPTION_NOW": "2020-11-02T10:00:00"}, "UTC offset"),
    ({"INSCRIPTION_ENV": "dev", "INSCRIPTION_NOW": "demain"}, "not an ISO-8601 instant"),
    # Issue 25, item 8: the addresses handed out come from SITE_URL, never from the Host header.
    ({"INSCRIPTION_ENV": "production"}, "production refuses to start without SITE_URL"),
    ({"INSCRIPTION_ENV": "production", "SITE_URL": "http://cap.exemple.fr/"},
     "https:// address in production"),
    ({"INSCRIPTION_ENV": "dev", "SITE_URL": "cap.exemple.fr"}, "absolute address"),
    ({"INSCRIPTION_ENV": "dev", "SITE_URL": "javascript:alert(1)"}, "absolute address"),
    ({"INSCRIPTION_ENV": "dev", "SITE_URL": "https://cap.exemple.fr/?x=1"}, "absolute address"),
    ({"INSCRIPTION_ENV": "dev", "SITE_ORIGIN": "https://u@cap.exemple.fr"}, "absolute address"),
])
def test_unsafe_configurations_are_refused(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(settings, environ={})


@pytest.mark.parametrize(("settings", "site_url"), [
    ({"SITE_URL": "https://cap.exemple.fr/"}, "https://cap.exemple.fr/"),
    ({"SITE_ORIGIN": "https://cap.exemple.fr"}, "https://cap.exemple.fr"),
])
def test_production_starts_with_the_site_s_address(settings: dict[str, str],
                                                    site_url: str) -> None:
    assert load_config(settings, environ={})["SITE_URL"] == site_url


def test_the_command_line_runs_in_production_without_the_site_s_address() -> None:
    # It serves no browser: its emails name the site without a link, as they always did.
    assert load_config(environ={}, needs_site_url=False)["SITE_URL"] == ""


def test_an_unknown_session_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="no session data file"):
        create_app({"INSCRIPTION_ENV": "test", "INSCRIPTION_SESSION": "cap-inconnue"},
                   s3_client=object())


def test_production_refuses_unconfirmed_facts() -> None:
    with pytest.raises(ConfigError, match="donnees_personnelles.conservation"):
        create_app({"INSCRIPTION_ENV": "production", "SITE_URL": "https://cap.exemple.fr/"},
                   s3_client=object())


def test_the_simulated_clock_runs_on_from_its_start() -> None:
    real = [dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)]
    start = dt.datetime(2020, 11, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    clock = CalendarClock(start, real_now=lambda: real[0])
    assert clock.simulated
    assert clock.now() == start
    real[0] += dt.timedelta(seconds=90)
    assert clock.now() == start + dt.timedelta(seconds=90)


def test_the_real_clock_is_not_simulated() -> None:
    clock = CalendarClock()
    assert not clock.simulated
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
