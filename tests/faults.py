"""Storage faults on demand: a boto3 client wrapper that fails chosen calls."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class FaultyClient:
    """A boto3 client whose calls fail while `fault(operation, kwargs)` returns an exception."""

    def __init__(self, client: Any, fault: Any) -> None:
        self._client = client
        self._fault = fault

    def __getattr__(self, name: str) -> Any:
        operation = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            if (exc := self._fault(name, kwargs)) is not None:
                raise exc
            return operation(**kwargs)
        return call


def failing(operation: str, faults: list[Exception]) -> Any:
    """A fault function: `operation` raises each of `faults` in turn, then works."""
    queue = list(faults)
    return lambda name, kwargs: queue.pop(0) if name == operation and queue else None


def client_error(code: str, status: int, operation: str = "PutObject") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)
