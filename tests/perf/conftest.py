"""The handler's AWS fixtures (moto in-process and in server mode), for these runs too."""

from tests.fixtures import (  # noqa: F401
    aws_credentials,
    moto_server,
    s3,
    s3_endpoint,
    s3_mode,
)
