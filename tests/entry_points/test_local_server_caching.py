"""The local run serves the site as CloudFront does: Brotli or gzip when asked, a one-year
immutable cache for hashed names, revalidation for the rest (handler/platform/site_caching.py), over
real HTTP."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest

from handler.local_server import BANNER_MARKER, LocalStack
from handler.platform.site_caching import IMMUTABLE, REVALIDATE, cache_control
from tests.entry_points import test_local_server

PAGE = ("<!doctype html><html lang=fr><body>" + BANNER_MARKER
        + "<p>Texte de la page.</p>" * 100 + "</body></html>")
SCRIPT = "export const x = 1;\n" * 100


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET; the headers' names in the case HTTP gives them (waitress writes `Etag`)."""
    status, sent, body = test_local_server.fetch(url, headers=headers)
    return status, {name.title(): value for name, value in sent.items()}, body


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "404.html").write_text("<html><body>Introuvable</body></html>",
                                       encoding="utf-8")
    scripts = tmp_path / "assets" / "javascripts"
    scripts.mkdir(parents=True)
    (scripts / "page.0123abcd.min.js").write_text(SCRIPT, encoding="utf-8")
    (scripts / "page.js").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "petit.css").write_text("a{color:red}", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG" + bytes(2000))
    return tmp_path


@pytest.fixture
def stack(site: Path) -> Iterator[str]:
    local = LocalStack(site_dir=site, port=0, now=None)  # real clock: no banner, plain bytes
    url = local.start()
    local.serve_in_background()
    yield url
    local.stop()


def test_a_hashed_name_is_cached_a_year_and_sent_compressed_to_who_accepts_it(
        stack: str, site: Path) -> None:
    status, headers, body = fetch(stack + "assets/javascripts/page.0123abcd.min.js",
                                  headers={"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["Content-Encoding"] == "br"  # Brotli first, as CloudFront
    assert brotli.decompress(body).decode() == SCRIPT
    status, headers, body = fetch(stack + "assets/javascripts/page.0123abcd.min.js",
                                  headers={"Accept-Encoding": "gzip, deflate"})
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body) < len(SCRIPT)
    assert gzip.decompress(body).decode() == SCRIPT


def test_a_page_is_revalidated_at_each_use_and_kept_a_day_by_cloudfront(stack: str) -> None:
    status, headers, body = fetch(stack, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=0, s-maxage=86400"
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body).decode() == PAGE
    status, again, body = fetch(stack, headers={"Accept-Encoding": "gzip",
                                                "If-None-Match": headers["Etag"]})
    assert (status, body) == (304, b"")
    assert again["Etag"] == headers["Etag"]


def test_unhashed_script_plain_answer_small_file_and_image_are_sent_as_they_are(
        stack: str) -> None:
    status, headers, body = fetch(stack + "assets/javascripts/page.js")
    assert status == 200 and body.decode() == SCRIPT  # no Accept-Encoding: plain
    assert "Content-Encoding" not in headers and headers["Vary"] == "Accept-Encoding"
    assert headers["Cache-Control"] == "public, max-age=0, s-maxage=86400"
    assert headers["Etag"] != fetch(stack + "assets/javascripts/page.js",
                                    headers={"Accept-Encoding": "gzip"})[1]["Etag"]
    _, headers, body = fetch(stack + "petit.css", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in headers and body == b"a{color:red}"  # under 1,000 bytes
    _, headers, body = fetch(stack + "image.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in headers and "Vary" not in headers and len(body) == 2004
    _, headers, _ = fetch(stack + "absente.js", headers={"Accept-Encoding": "gzip;q=0"})
    assert headers["Cache-Control"] == "no-cache" and "Content-Encoding" not in headers


@pytest.mark.parametrize("path, expected", [
    ("assets/javascripts/bundle.a5f9d56c.min.js", IMMUTABLE),
    ("assets/stylesheets/main.57a0d79d.min.css", IMMUTABLE),
    ("/assets/javascripts/candidats/formulaire/page.35f4585b.min.js", IMMUTABLE),
    ("assets/javascripts/candidats/formulaire/page.js", REVALIDATE),
    ("assets/javascripts/lunr/min/lunr.fr.min.js", REVALIDATE),
    ("assets/rules.json", REVALIDATE),
    ("formulaire.html", REVALIDATE),
])
def test_cache_policy_by_name(path: str, expected: str) -> None:
    assert cache_control(path) == expected
