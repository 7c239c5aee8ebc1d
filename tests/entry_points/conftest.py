"""The service's fixtures (tests/fixtures.py: moto in-process and in server mode, the app
and its clients) for the tests of the entry points."""

from tests.fixtures import (  # noqa: F401
    app,
    aws_credentials,
    client,
    frozen_app,
    mail_app,
    moto_server,
    s3,
    s3_endpoint,
    s3_mode,
    sent_mail,
    ses,
)
