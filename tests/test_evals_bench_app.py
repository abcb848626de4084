"""The app benchmark's machinery on a real `serve` process: not its timings (this machine is
noisy), but what it counts: no errors or lost turns, and the limits refusing exactly the excess."""

from __future__ import annotations

from evals.bench_app import app_markdown, bench_app


def test_concurrent_interviews_lose_nothing_and_limits_hold(bundled_store, bundled_settings) -> None:
    result = bench_app(bundled_settings, sessions=4)
    load = result["load"]
    assert load["errors"] == 0 and load["lost_turns"] == 0 and load["out_of_order"] == 0
    assert load["requests"] > 4 * 5  # every scripted message was sent
    limits = load["limits"]
    allowed = limits["messages_per_minute_per_session"]
    assert limits["rate_200"] == allowed and limits["rate_429"] == 10
    assert limits["oversized_status"] == 413
    assert result["cold_start_s"] > 0 and result["server_peak_rss_mb"] > 50
    assert "concurrent scripted interviews" in "\n".join(app_markdown(result))
