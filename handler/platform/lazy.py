"""A boto3 client built at its first use rather than at the Lambda's start (issue 18).

Building an S3 client loads botocore's service model (a quarter of a second on a Lambda core);
the first request of an instance is often one that needs no S3 at all (the form's session
information), and an SES client is needed only once an email goes. The wrapper passes every
attribute through to the client, built once, under a lock, by the first thread that asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class LazyClient:
    """Stands for the client `build()` returns, building it on the first attribute asked."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        """Whether the client exists yet."""
        return self._client is not None

    def __getattr__(self, name: str) -> Any:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._build()
                client = self._client
        return getattr(client, name)
