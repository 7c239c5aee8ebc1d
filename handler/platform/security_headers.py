"""The security headers every page and API answer carries, locally and in production.

The infrastructure's CloudFront response-headers policy sends the same values (a test compares
them), so the local run shows what production does.
"""

from __future__ import annotations

from collections.abc import Iterable

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# HSTS only over HTTPS (CloudFront adds it in production; the local run is plain HTTP).
HSTS = "max-age=63072000; includeSubDomains"


def allowing_uploads_to(origins: Iterable[str]) -> dict[str, str]:
    """The headers with `connect-src` also allowing these origins: the bucket that takes the
    pieces' presigned POSTs straight from « mon dossier » (issue 28). The local run passes
    moto's server; production needs the bucket's S3 origin in the CloudFront policy too."""
    extra = [origin.rstrip("/") for origin in origins if origin]
    policy = CONTENT_SECURITY_POLICY.replace(
        "connect-src 'self'", " ".join(["connect-src 'self'", *extra]), 1)
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}
