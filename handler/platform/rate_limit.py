"""A small in-process sliding-window limit, per key (a client's address).

It lives in one process: behind Lambda each instance counts on its own, so it only slows a
client down; the per-client limit that holds across instances is the WAF's rate-based rule in
front of the API (infra/edge.yaml). Durations use a monotonic clock, never the calendar clock.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from flask import current_app, request


class SlidingWindowLimit:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, limit: int, window: float, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str) -> float | None:
        """None if an event for `key` would be allowed now, else the seconds to wait (counts
        nothing)."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._events.get(key, ()) if t > now - self.window]
            if len(recent) >= self.limit:
                return recent[0] + self.window - now
            return None

    def hit(self, key: str) -> float | None:
        """Count one event; None if allowed, else the seconds to wait before the next one."""
        now = self._clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            self._events[key] = events  # most recently seen last
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)  # forget the stalest client
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            return None


def client_key() -> str:
    """The client's address as a rate-limit key: from CLIENT_IP_HEADER behind a proxy (first
    entry, port removed), else the connection's; IPv6 by /64, what one subscriber holds."""
    header = current_app.config["CLIENT_IP_HEADER"]
    value = (request.headers.get(header, "") if header else "") or request.remote_addr or ""
    first = value.split(",")[0].strip().strip("[]")
    for candidate in (first, first.rsplit(":", 1)[0].strip("[]")):
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return str(address)
    return first
