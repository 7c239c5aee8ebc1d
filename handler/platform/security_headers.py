"""The security headers every page and API answer carries, locally and in production.

The infrastructure's CloudFront response-headers policy sends the same values (a test compares
them), so the local run shows what production does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def content_security_policy(files_origin: str | None = None) -> str:
    """The policy; `files_origin`: the bucket of the pieces deposited online (issue 28), which
    « mon dossier » sends each file to (a presigned POST: connect-src) and the staff page
    shows in a frame (a PDF) or as an image (presigned GETs), and nowhere else."""
    files = f" {files_origin}" if files_origin else ""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data:{files}",
        "font-src 'self'",
        f"connect-src 'self'{files}",
        *([f"frame-src 'self'{files}"] if files else []),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(files_origin: str | None = None) -> dict[str, str]:
    """Every answer's headers, with the pieces' origin allowed where a session takes them."""
    return {
        "Content-Security-Policy": content_security_policy(files_origin),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


def files_origin(client: Any, bucket: str) -> str:
    """The origin of the bucket's presigned links as this S3 client makes them (its endpoint,
    its addressing style): one setting, the client's, so the policy allows exactly what the
    links point to. Signing is local: no call to S3."""
    link = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "x"},
                                         ExpiresIn=60)
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}"


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS = security_headers()
# HSTS only over HTTPS (CloudFront adds it in production; the local run is plain HTTP).
HSTS = "max-age=63072000; includeSubDomains"

