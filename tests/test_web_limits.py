"""Rate limits (sliding window, per key) and the message-size limit."""

from __future__ import annotations

import threading

import pytest

from bot.web.brand import Limits
from bot.web.limits import MemoryRateStore, MessageTooLongError, RateLimitedError, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(**limits: int) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter(Limits(**limits), MemoryRateStore(), clock), clock  # type: ignore[arg-type]


def test_a_session_gets_its_messages_per_minute_then_waits() -> None:
    limit, clock = limiter(messages_per_minute_per_session=3)
    for _ in range(3):
        limit.message("s1", "hi")
    with pytest.raises(RateLimitedError) as err:
        limit.message("s1", "hi")
    assert err.value.retry_after == 60 and "wait 60 s" in str(err.value)
    limit.message("s2", "another session is not affected")
    clock.now += 30
    with pytest.raises(RateLimitedError) as err:
        limit.message("s1", "hi")
    assert err.value.retry_after == 30
    clock.now += 30.01
    limit.message("s1", "the window slid")


def test_refused_events_are_not_counted() -> None:
    limit, clock = limiter(requests_per_minute_per_ip=2)
    limit.request("1.2.3.4")
    limit.request("1.2.3.4")
    for _ in range(10):
        with pytest.raises(RateLimitedError):
            limit.request("1.2.3.4")
    clock.now += 60.01
    limit.request("1.2.3.4")
    limit.request("1.2.3.4")


def test_new_sessions_per_hour_per_address() -> None:
    limit, clock = limiter(sessions_per_hour_per_ip=2)
    limit.new_session("a")
    limit.new_session("a")
    with pytest.raises(RateLimitedError, match="new sessions"):
        limit.new_session("a")
    limit.new_session("b")
    clock.now += 3600.01
    limit.new_session("a")


def test_message_size_is_checked_before_the_rate() -> None:
    limit, _ = limiter(max_message_chars=10, messages_per_minute_per_session=1)
    limit.message("s", "x" * 10)
    with pytest.raises(MessageTooLongError) as err:
        limit.message("s", "x" * 11)
    assert (err.value.size, err.value.limit) == (11, 10)
    assert "shorten" in str(err.value)


def test_the_limit_holds_under_concurrent_hits() -> None:
    store = MemoryRateStore()
    allowed = []

    def hammer() -> None:
        for _ in range(100):
            if store.hit("k", 50, 60.0, 0.0) is None:
                allowed.append(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(allowed) == 50


def test_the_store_stays_bounded() -> None:
    store = MemoryRateStore(max_keys=100)
    for i in range(1000):
        store.hit(f"k{i}", 5, 60.0, float(i))
    assert len(store._events) <= 100
