"""The pieces' fixtures: S3 from moto, in-process and over real HTTP (tests/fixtures.py)."""

from tests.fixtures import aws_credentials, moto_server, s3, s3_endpoint, s3_mode  # noqa: F401
