"""The local run: the built site and the handler's /api on one origin, S3 from moto's server,
and a real OpenID Connect provider for the staff's sign-in (`oidc-provider-mock`, made for
testing), with two demonstration accounts.

`python -m handler.local_server` (what `make run` starts) needs nothing else: no AWS account, no
credentials. The 2020 registry is long closed, so the calendar clock starts inside the window by
default and every page carries a « Démonstration — date simulée » banner in the HTML sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import html
import logging
import mimetypes
import os
import re
import shutil
import socket
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import brotli
from flask import Flask
from werkzeug.security import safe_join

from handler.app import create_app
from handler.platform.logs import configure as configure_logs
from handler.platform.security_headers import SECURITY_HEADERS, files_origin, security_headers
from handler.platform.site_caching import cache_control
from handler.staff.auth import DEMO_STAFF_TOKEN, token_hash
from handler.staff.oidc import DEMO_ACCOUNTS
from shared_rules.dates_fr import date_heure_longue

DEMO_NOW = "2020-11-02T10:00:00+01:00"
DEMO_BUCKET = "preinscription-cap-local"
DEMO_OUTBOX = Path("build/outbox")
DEMO_MAIL_FROM = "Pré-inscription CAP (démonstration) <ne-pas-repondre@preinscription.localhost>"
# The local run's token for scripts and the command line (printed at start-up); production
# refuses it. The staff page never takes a token: it signs in through the demo provider.
DEMO_STAFF_HASHES = f"demo:administration:{token_hash(DEMO_STAFF_TOKEN)}"
DEMO_CLIENT_ID = "preinscription-cap-local"
DEMO_AUDIT_KEY = "cle-du-journal-de-la-demonstration-locale"
DEMO_CLAMAV = Path("build/clamav")
CLAMAV_MISSING = (
    "Le retour des pièces en ligne analyse chaque fichier avec ClamAV, absent de cette machine : "
    "installez-le (apt-get install clamav ; aucune base de signatures n'est téléchargée, la "
    "démonstration fabrique la sienne), ou lancez `make run` sans RETOUR."
)
RETOURS = {"papier": "papier", "en-ligne": "en_ligne", "papier+en-ligne": "papier,en_ligne"}
BANNER_MARKER = "<!-- banniere-demo -->"
REFUSED_IN_PRODUCTION = (
    "python -m handler.local_server est la démonstration locale (S3 simulé, date simulée, jeton "
    "de gestionnaire de démonstration) : elle refuse INSCRIPTION_ENV=production. Pour la "
    "production, déployez le service sur AWS avec `make deploy` (voir infra/README.md) ; pour "
    "une démonstration, lancez `make run` sans INSCRIPTION_ENV=production."
)
_BODY_OPEN = re.compile(rb"<body[^>]*>", re.IGNORECASE)
# What CloudFront compresses (its list of types, for the files this site has) and from what size.
COMPRESSIBLE = frozenset({"application/javascript", "application/json", "image/svg+xml",
                          "application/xml", "application/manifest+json"})
COMPRESS_MIN_BYTES = 1000
#: How often the local run's scheduled jobs run (the mail retry: hourly in AWS).
SCHEDULE_SECONDS = 60.0


def _encoding(accept_encoding: str) -> str | None:
    """`br` or `gzip` if the browser accepts it (Brotli first, as CloudFront), else None."""
    accepted = set()
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "").lower() not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return next((e for e in ("br", "gzip") if e in accepted or "*" in accepted), None)


_COMPRESSED: dict[str, bytes] = {}  # by ETag (the representation's content)


def _compressed(body: bytes, encoding: str, etag: str) -> bytes:
    # On the fly like CloudFront, at a quality that costs milliseconds (Brotli's 11 takes a
    # second on Material's bundle, for 7 % less).
    if etag not in _COMPRESSED:
        _COMPRESSED[etag] = (brotli.compress(body, quality=5) if encoding == "br"
                             else gzip.compress(body, 6, mtime=0))
    return _COMPRESSED[etag]


def _etags(if_none_match: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",") if tag.strip()}

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def banner_html(now: dt.datetime) -> str:
    """The visible demo banner, with the simulated date."""
    # A named landmark, so that no content stands outside one (axe: region).
    return (
        '<aside class="banniere-demo" aria-label="Démonstration">'
        "<strong>Démonstration — date simulée.</strong> "
        f"Le service fonctionne comme si nous étions le {html.escape(date_heure_longue(now))}. "
        "Les dossiers déposés ici restent sur cet ordinateur et ne sont pas transmis au "
        "Rectorat.</aside>"
    )


class SiteFiles:
    """A WSGI app serving the built site, the demo banner written into each HTML page."""

    def __init__(self, root: Path, *, banner: Callable[[], str | None]) -> None:
        self.root = root
        self.banner = banner

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path.endswith("/"):
            path += "index.html"
        found = safe_join(str(self.root), path.lstrip("/"))
        if found is None or not os.path.isfile(found):
            fallback = self.root / "404.html"
            found, status = (str(fallback) if fallback.is_file() else None), "404 Not Found"
        else:
            status = "200 OK"
        if found is None:
            body = b"Page introuvable."
            start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                    ("Content-Length", str(len(body)))])
            return [body]
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        body = Path(found).read_bytes()
        if content_type == "text/html":
            body = self._with_banner(body)
        compressible = content_type.startswith("text/") or content_type in COMPRESSIBLE
        if content_type.startswith("text/") or content_type in {"application/javascript",
                                                                "application/json"}:
            content_type += "; charset=utf-8"
        headers = [("Content-Type", content_type)]
        if status.startswith("200"):
            headers.append(("Cache-Control", cache_control(path)))
        else:
            headers.append(("Cache-Control", "no-cache"))
        # Like CloudFront (Compress: true): Brotli, else gzip, for text of 1,000 bytes or more
        # when the browser accepts it, each representation with its own ETag.
        encoding = (_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
                    if compressible and len(body) >= COMPRESS_MIN_BYTES else None)
        if compressible:
            headers.append(("Vary", "Accept-Encoding"))
        digest = hashlib.sha256(body).hexdigest()[:32]
        etag = f'"{digest}-{encoding}"' if encoding else f'"{digest}"'
        headers.append(("ETag", etag))
        if status.startswith("200") and etag in _etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 Not Modified", headers)
            return []
        if encoding:
            body = _compressed(body, encoding, etag)
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def _with_banner(self, page: bytes) -> bytes:
        banner = self.banner()
        if banner is None:
            return page
        encoded = banner.encode("utf-8")
        if BANNER_MARKER.encode() in page:
            return page.replace(BANNER_MARKER.encode(), encoded, 1)
        return _BODY_OPEN.sub(lambda m: m.group(0) + encoded, page, count=1)


def one_origin(api: Flask, site: SiteFiles, *, security: Mapping[str, str] = SECURITY_HEADERS,
               ) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """/api/… to the handler, everything else to the site; security headers on every answer
    (`security`: the production ones, with the bucket's origin where pieces come back online)."""

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        def with_headers(status: str, headers: list[tuple[str, str]],
                         exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers = headers + [(k, v) for k, v in security.items()
                                 if k.lower() not in present]
            return start_response(status, headers, exc_info)

        path = environ.get("PATH_INFO", "")
        target = api.wsgi_app if path == "/api" or path.startswith("/api/") else site
        return target(environ, with_headers)

    return app


class DemoProvider:
    """`oidc-provider-mock` on 127.0.0.1 (a free port), its login form offering the
    demonstration accounts in one click; refused in production (handler.staff.oidc)."""

    def __init__(self, accounts: dict[str, str] = DEMO_ACCOUNTS) -> None:
        self.accounts = accounts
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.issuer = ""

    def start(self) -> str:
        """Start the provider; its issuer URL."""
        import warnings

        from werkzeug.serving import make_server

        with warnings.catch_warnings():
            # Its own imports of Authlib's older modules: nothing the local run can act on.
            # Authlib's deprecation module puts an « always » filter first when it is imported:
            # import it before ours, or it would win.
            import authlib.deprecate  # noqa: F401

            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock

        users = [oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True})
                 for email in self.accounts]
        provider = oidc_provider_mock.app(require_nonce=True, user_claims=users)
        self._server = make_server("127.0.0.1", 0, provider, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        daemon=True)
        self._thread.start()
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        return self.issuer

    def settings(self) -> dict[str, str]:
        """The app's settings for this provider and its accounts."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": DEMO_CLIENT_ID,
                "OIDC_CLIENT_SECRET": "secret-local", "OIDC_SCOPES": "openid email profile",
                "STAFF_ACCOUNTS": ",".join(f"{e}:{r}" for e, r in self.accounts.items())}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class LocalStack:
    """moto's S3 server, the bucket, the handler and the site, served by waitress."""

    def __init__(self, *, site_dir: Path, host: str = "127.0.0.1", port: int = 8000,
                 now: str | None = DEMO_NOW, outbox: Path | None = None,
                 config: dict[str, Any] | None = None, retour: str = "",
                 clamav_dir: Path = DEMO_CLAMAV) -> None:
        self.site_dir, self.host, self.port, self.now = site_dir, host, port, now
        #: How the pieces come back, over the session file's (`en-ligne`…); "": the file's.
        self.retour = retour
        self.clamav_dir = clamav_dir
        # Settings over the local run's own (tests: e.g. no per-client submission limit).
        self.config = config or {}
        # Where the emails land as .eml files; None: no email.
        self.outbox = outbox
        self._moto: Any = None
        self.s3: Any = None
        self.s3_endpoint = ""
        #: The handler's Flask app, once started (tests reach its parts through it).
        self.api: Flask | None = None
        self.bucket = DEMO_BUCKET
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._stopping_event = threading.Event()
        self.provider = DemoProvider()

    def start(self) -> str:
        """Start everything; returns the site's URL."""
        from moto.server import ThreadedMotoServer
        from waitress import create_server

        if not (self.site_dir / "index.html").is_file():
            raise SystemExit(f"Le site n'est pas construit dans {self.site_dir} : lancez "
                             "`make run` (ou `make site`).")
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        #: The local S3 store's address: the command line reads the dossiers there.
        self.s3_endpoint = f"http://{moto_host}:{moto_port}"
        # moto keeps its state per process: start from an empty store.
        urllib.request.urlopen(urllib.request.Request(
            f"http://{moto_host}:{moto_port}/moto-api/reset", method="POST"), timeout=10).close()

        import boto3

        # Fake credentials for moto only: nothing here can reach a real AWS account.
        s3 = boto3.client("s3", region_name="eu-west-3",
                          endpoint_url=f"http://{moto_host}:{moto_port}",
                          aws_access_key_id="local", aws_secret_access_key="local")
        s3.create_bucket(Bucket=DEMO_BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        s3.put_bucket_versioning(Bucket=DEMO_BUCKET,
                                 VersioningConfiguration={"Status": "Enabled"})
        self.s3, self.bucket = s3, DEMO_BUCKET
        pieces = self._pieces_settings()

        # The port first (0 picks a free one): the site's address is made from it, and the app
        # builds every address it hands out from that setting, never from a request's Host
        # header (issue 25, item 8).
        listener = socket.create_server((self.host, self.port))
        self.port = int(listener.getsockname()[1])
        url = f"http://{self.host}:{self.port}/"
        mail = ({"MAIL_FROM": DEMO_MAIL_FROM, "MAIL_OUTBOX_DIR": str(self.outbox)}
                if self.outbox is not None else {"MAIL_FROM": ""})
        try:
            api = create_app({"INSCRIPTION_ENV": "dev", "DOSSIERS_BUCKET": DEMO_BUCKET,
                              "INSCRIPTION_NOW": self.now or "", "SITE_ORIGIN": "", **mail,
                              "STAFF_TOKEN_HASHES": DEMO_STAFF_HASHES,
                              # The audit's fingerprints (the journal can then match a number).
                              "AUDIT_HMAC_KEY": DEMO_AUDIT_KEY, **pieces,
                              **self._start_provider(), **self.config, "SITE_URL": url},
                             s3_client=s3)
        except BaseException:
            listener.close()
            raise
        self.api = api  # the handler's app (tests read its settings)
        clock = api.extensions["calendar_clock"]
        session = api.extensions["inscription_session"]

        def banner() -> str | None:
            if not clock.simulated:
                return None
            return banner_html(clock.now().astimezone(session.zone))

        security = SECURITY_HEADERS
        if api.extensions["inscription_session"].retour_en_ligne:
            # The page sends each piece to the bucket and the staff page shows them from its
            # presigned links (issue 28): its origin is allowed, as production's bucket.
            security = security_headers(files_origin(s3, DEMO_BUCKET))
            # The page sends each piece straight to the bucket (presigned POST), as to S3
            # with infra/template.yaml's CORS rule; its CSP lets it reach moto's server.
            s3.put_bucket_cors(Bucket=DEMO_BUCKET, CORSConfiguration={"CORSRules": [{
                "AllowedOrigins": [url.rstrip("/")], "AllowedMethods": ["POST"],
                "AllowedHeaders": ["*"], "MaxAgeSeconds": 600}]})
        app = one_origin(api, SiteFiles(self.site_dir, banner=banner), security=security)
        self._server = create_server(app, sockets=[listener], threads=8,
                                     ident="preinscription-cap")
        return url

    def _pieces_settings(self) -> dict[str, str]:
        """The pieces' return mode and scanner: Debian's ClamAV with a database of the EICAR
        test signature only (handler.platform.antivirus), made here; refuses to start online
        without clamscan, which would leave every piece « en cours d'analyse »."""
        from handler.platform.antivirus import write_test_database

        settings = {"PIECES_SCANNER": "clamav",
                    "CLAMAV_DATABASE": str(write_test_database(self.clamav_dir))}
        if self.retour:
            if shutil.which("clamscan") is None:
                raise SystemExit(CLAMAV_MISSING)
            settings["RETOUR_PIECES"] = self.retour
        return settings

    def _start_provider(self) -> dict[str, str]:
        self.provider.start()
        return self.provider.settings()

    def serve_forever(self) -> None:
        self._server.run()

    def serve_in_background(self) -> None:
        self._thread = threading.Thread(target=self._run_until_stopped, daemon=True)
        self._thread.start()

    def _run_until_stopped(self) -> None:
        try:
            self._server.run()
        except OSError:
            # Closing the socket under the loop's select() ends it with EBADF: that is the stop.
            if not self._stopping:
                raise

    def run_scheduled(self, *, every: float = SCHEDULE_SECONDS) -> None:
        """The scheduled function a person sees the effect of, in a background thread: the
        mail retry (hourly in AWS, infra/template.yaml), which also sends the emails the
        reception desk defers (handler.staff.courriel_suivi.DIFFERE), and the pieces' sweep
        (handler.dossier.pieces.Analyses.sweep). Not in the tests' stacks:
        their emails stay theirs to count."""
        from handler import notifications
        from handler.dossier.courriels import SCHEDULED_ATTEMPTS

        api = self.api
        assert api is not None

        def loop() -> None:
            while not self._stopping_event.wait(every):
                try:
                    with api.app_context():
                        notifications.retry_failed(api, max_attempts=SCHEDULED_ATTEMPTS)
                except Exception:  # a failed run is logged; the next one tries again
                    logging.getLogger(__name__).exception("scheduled mail retry failed")
                try:  # the pieces' uploads left « en cours d'analyse » (a scan that failed)
                    api.extensions["pieces_analyses"].sweep()
                except Exception:
                    logging.getLogger(__name__).exception("scheduled pieces' sweep failed")

        threading.Thread(target=loop, name="envois-programmes", daemon=True).start()

    def stop(self) -> None:
        self._stopping_event.set()
        self._stopping = True
        if self._server is not None:
            self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._moto is not None:
            self._moto.stop()
        self.provider.stop()


def pieces_text(stack: LocalStack) -> str:
    """What the start-up prints about how the pieces come back."""
    assert stack.api is not None
    session = stack.api.extensions["inscription_session"]
    if not session.retour_en_ligne:
        return ("Pièces : par courrier, comme le dit la notice (`make run RETOUR=en-ligne` pour "
                "les déposer en ligne).\n")
    return ("Pièces : déposées en ligne sur « mon dossier », analysées par ClamAV avec la seule "
            f"signature de test EICAR ({stack.clamav_dir}/).\n")


def staff_access_text(url: str, provider: DemoProvider, s3_endpoint: str = "") -> str:
    """What the start-up prints about the staff's side: the page, the demonstration accounts
    (one per role), the API scripts' token, and how the command line, which reads the store
    and takes no token, reaches the local one (issue 26, item 9)."""
    accounts = "".join(f"  - {email} (rôle {role})\n" for email, role in provider.accounts.items())
    cli = (f"Ligne de commande (elle lit le stockage, sans jeton) : AWS_ENDPOINT_URL_S3="
           f"{s3_endpoint} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "
           f"DOSSIERS_BUCKET={DEMO_BUCKET} .venv/bin/python -m handler.staff list\n"
           if s3_endpoint else "")
    return (f"Espace gestionnaire : {url}gestion.html → « Se connecter » → fournisseur "
            f"d'identité de démonstration ({provider.issuer}) ; choisissez un compte :\n"
            f"{accounts}"
            f"Jeton de démonstration pour les scripts qui appellent l'API {url}api/staff/ "
            f"(en-tête Authorization: Bearer), pour cette exécution locale uniquement : "
            f"{DEMO_STAFF_TOKEN}.\n"
            f"Stockage S3 local (moto) : {s3_endpoint or 'non démarré'}, compartiment "
            f"{DEMO_BUCKET}.\n{cli}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handler.local_server",
                                     description="Le service en local, sur une seule origine.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--site", type=Path, default=Path("build/site"))
    parser.add_argument("--horloge-reelle", action="store_true",
                        help="utiliser la date réelle (le registre de 2020 est alors fermé)")
    parser.add_argument("--maintenant", default=os.environ.get("INSCRIPTION_NOW", DEMO_NOW),
                        help=f"instant simulé au démarrage, ISO-8601 (par défaut {DEMO_NOW})")
    parser.add_argument("--courriels", type=Path, default=DEMO_OUTBOX,
                        help=f"dossier où écrire les courriels (.eml), par défaut {DEMO_OUTBOX}")
    parser.add_argument("--retour", choices=sorted(RETOURS), default=None,
                        help="comment reviennent la confirmation signée et les pièces, à la "
                             "place de ce que dit la session (Limoges 2021 : papier) : "
                             "en-ligne pour les déposer sur « mon dossier »")
    args = parser.parse_args(argv)
    if os.environ.get("INSCRIPTION_ENV", "").strip() == "production":
        print(REFUSED_IN_PRODUCTION, file=sys.stderr)
        return 2
    configure_logs(logging.INFO, fmt="%(message)s")  # moto's and the libraries' at WARNING

    stack = LocalStack(site_dir=args.site, port=args.port,
                       now=None if args.horloge_reelle else args.maintenant,
                       outbox=args.courriels,
                       retour=RETOURS[args.retour] if args.retour else "")
    url = stack.start()
    stack.run_scheduled()
    clock = "date réelle" if args.horloge_reelle else f"date simulée : {args.maintenant}"
    print(f"\nService de pré-inscription lancé sur {url} ({clock}).\n"
          "Stockage : S3 simulé par moto, en mémoire (les dossiers disparaissent à l'arrêt).\n"
          f"Courriels : écrits dans {args.courriels}/, un fichier .eml par envoi (aucun n'est "
          "réellement envoyé) ; les envois différés ou en échec repartent chaque minute.\n"
          f"{pieces_text(stack)}"
          f"{staff_access_text(url, stack.provider, stack.s3_endpoint)}"
          "Arrêt : Ctrl-C.\n", flush=True)
    try:
        stack.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("Service arrêté.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
