"""Rate limits and the message-size limit, shared by the web UI and the JSON API.

``RateLimiter`` counts events per key in a sliding window. Its store is a seam: ``MemoryRateStore``
serves one app process; several processes behind one address need a shared store with the same
one method (``hit``), e.g. in the sessions database.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.errors import SocialAuditError
from bot.web.brand import Limits


class RateLimitedError(SocialAuditError):
    """Too many requests: wait ``retry_after`` seconds."""

    def __init__(self, what: str, retry_after: float) -> None:
        self.retry_after = max(1, round(retry_after))
        super().__init__(f"too many {what}; wait {self.retry_after} s and try again")


class MessageTooLongError(SocialAuditError):
    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"the message has {size} characters; the limit is {limit}: shorten it")


class RateStore(Protocol):
    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        """Record one event for ``key`` unless ``limit`` events already fell in the last ``window``
        seconds; then return how long until one more is allowed (nothing is recorded)."""
        ...


class MemoryRateStore:
    """Sliding-window counts in this process's memory (thread-safe, bounded)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self._max_keys:
                    self._prune(now, window)
                events = self._events[key] = deque()
            while events and events[0] <= now - window:
                events.popleft()
            if len(events) >= limit:
                return events[0] + window - now
            events.append(now)
            return None

    def _prune(self, now: float, window: float) -> None:
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - window]
        for key in stale:
            del self._events[key]
        if len(self._events) >= self._max_keys:  # still full: forget the oldest half
            for key in list(self._events)[: self._max_keys // 2]:
                del self._events[key]


@dataclass
class RateLimiter:
    limits: Limits
    store: RateStore
    clock: Callable[[], float] = time.monotonic

    def _check(self, key: str, limit: int, window: float, what: str) -> None:
        wait = self.store.hit(key, limit, window, self.clock())
        if wait is not None:
            raise RateLimitedError(what, wait)

    def request(self, ip: str) -> None:
        """One request from ``ip`` (any API call or UI event that does work)."""
        self._check(f"ip:{ip}", self.limits.requests_per_minute_per_ip, 60.0, "requests from your address")

    def new_session(self, ip: str) -> None:
        self._check(f"new:{ip}", self.limits.sessions_per_hour_per_ip, 3600.0,
                    "new sessions from your address")

    def message(self, session_id: str, text: str, refuse_long: bool = True) -> None:
        """One message into ``session_id``: size first (costs nothing; a chat message is cut by
        the interview instead, ``refuse_long=False``), then the session's rate."""
        if refuse_long and len(text) > self.limits.max_message_chars:
            raise MessageTooLongError(len(text), self.limits.max_message_chars)
        self._check(f"session:{session_id}", self.limits.messages_per_minute_per_session, 60.0,
                    "messages in this session")
