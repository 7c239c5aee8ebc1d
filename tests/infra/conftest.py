"""The handler's AWS fixtures (moto's server mode), for the package test."""

from tests.fixtures import aws_credentials, moto_server  # noqa: F401
