"""A minimal browser over real HTTP for the staff's sign-in: it keeps cookies as Chromium does
for http://127.0.0.1 (Secure cookies included: a loopback address is a secure context),
follows no redirect by itself, and sends the page's Origin on a POST as a browser does."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from handler.staff.auth import COOKIE


class Browser:
    """One browser's cookies for the service's origin."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        self.cookies: dict[str, str] = {}

    def _keep(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, url: str, *, origin: str | None = None,
                **kwargs: Any) -> requests.Response:
        """A request to the service (the cookies of its origin sent, the answer's kept)."""
        if not url.startswith("http"):
            url = self.site_url + url
        headers = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   **kwargs.pop("headers", {})}
        if url.startswith(self.site_url) and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            headers.setdefault("Origin", origin or self.site_url.rstrip("/"))
        response = requests.request(method, url, headers=headers, allow_redirects=False,
                                    timeout=15, **kwargs)
        if url.startswith(self.site_url):
            self._keep(response)
        return response

    def sign_in(self, email: str) -> requests.Response:
        """« Se connecter », then the account chosen on the provider's form; the answer to the
        provider's redirect back to the service."""
        start = self.request("GET", "api/staff/connexion")
        assert start.status_code == 302, start.text
        # The provider's account, its email verified, as an académie's would be (issue 25: an
        # unverified one is refused); the demonstration accounts are predefined so already.
        parts = urlsplit(start.headers["Location"])
        registered = requests.put(f"{parts.scheme}://{parts.netloc}/users/{email}",
                                  json={"email": email, "email_verified": True}, timeout=15)
        assert registered.status_code == 204, registered.text
        chosen = requests.post(start.headers["Location"], data={"sub": email},
                               allow_redirects=False, timeout=15)
        assert chosen.status_code == 302, chosen.text
        return self.request("GET", chosen.headers["Location"])

    @property
    def session_cookie(self) -> str | None:
        return self.cookies.get(COOKIE)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
