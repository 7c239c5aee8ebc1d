"""AWS Lambda entry point (API Gateway HTTP API, payload 2.0).

The app is built once per Lambda instance, at import, so that warm invocations reuse it and its
S3 client; a misconfiguration fails the instance's start rather than a candidate's request.
"""

from __future__ import annotations

import logging

from apig_wsgi import make_lambda_handler

from handler.app import create_app

logging.getLogger().setLevel(logging.INFO)

app = create_app()
handler = make_lambda_handler(app, binary_support=True)
