"""A second, tiny OpenID Connect provider that signs the ID tokens a real provider never would
(wrong audience, issuer or nonce, expired, `alg: none`), only for the bad-token tests: its
discovery document, its JWKS and a token endpoint that answers with the token the test chose."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, jsonify
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class FakeProvider:
    """Serves a fixed ID token from its token endpoint; `claims` and `alg` chosen per test."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "cle-1"})
        #: The key that signs: the published one, unless a test forges with another.
        self.signer = self.key
        self.issuer = ""
        self.claims: dict[str, Any] = {}
        self.alg = "RS256"
        self.app = self._make_app()

    def id_token(self) -> str:
        if self.alg == "none":
            return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(self.claims)}."
        return jwt.encode({"alg": self.alg, "kid": "cle-1"}, self.claims, self.signer)

    def good_claims(self, *, client_id: str, nonce: str, email: str) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.issuer, "aud": client_id, "sub": email, "email": email,
                "email_verified": True,
                "nonce": nonce, "iat": now, "exp": now + 300}

    def _make_app(self) -> Flask:
        app = Flask("faux-fournisseur")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify({
                "issuer": self.issuer, "authorization_endpoint": self.issuer + "/autoriser",
                "token_endpoint": self.issuer + "/jeton", "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]})

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.post("/jeton")
        def token() -> Any:
            return jsonify({"access_token": "acces", "token_type": "Bearer", "expires_in": 300,
                            "id_token": self.id_token()})

        return app

    @contextmanager
    def running(self) -> Iterator[FakeProvider]:
        server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
