"""Which failures to try again, and after how long.

Retries are not sleeps inside the request: a failed URL goes back into the
crawl queue with a not-before time. A worker is free meanwhile, so a server
asking for two minutes of quiet (Retry-After) costs no concurrency. That is why
this is a pure function and not a stamina/tenacity decorator: those sleep in
place, holding the worker and its connection slot for the whole wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Callable

from scraper.fetch.config import RetryPolicy
from scraper.fetch.errors import FetchError, Retryable, SoftFailure

__all__ = ["RETRY_STATUSES", "parse_retry_after", "retry_delay"]

# RFC 9110 transient statuses. 501 and 505 are not here: they will not change.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if absent/bad.

    >>> parse_retry_after("120")
    120.0
    >>> when = dt.datetime(2024, 1, 1, 0, 0, 0, tzinfo=dt.UTC)
    >>> parse_retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now=when)
    30.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    error: FetchError,
    *,
    rng: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``; None when we should stop trying.

    ``attempt`` counts tries in this run, the first included. Backoff doubles
    from ``backoff_initial`` up to ``backoff_max`` plus up to ``backoff_jitter``
    at random; a Retry-After is honoured up to ``retry_after_cap``.

    >>> from scraper.fetch.errors import RetryableStatus
    >>> p = RetryPolicy(backoff_initial=1, backoff_jitter=0)
    >>> [retry_delay(p, n, RetryableStatus("503", status=503)) for n in (1, 2, 3)]
    [1.0, 2.0, 4.0]
    >>> retry_delay(p, 1, RetryableStatus("429", status=429, retry_after=7))
    7.0
    """
    if not isinstance(error, Retryable) or attempt >= policy.max_attempts:
        return None
    initial, longest = policy.backoff_initial, policy.backoff_max
    if isinstance(error, SoftFailure):
        # Captcha walls lift after minutes: start at soft_failure_delay and allow
        # waits as long as we would accept from a Retry-After.
        initial = policy.soft_failure_delay
        longest = max(longest, policy.retry_after_cap)
    backoff = min(longest, initial * 2.0 ** (attempt - 1))
    delay = backoff + policy.backoff_jitter * rng()
    if error.retry_after is not None:
        delay = max(delay, min(error.retry_after, policy.retry_after_cap))
    return float(delay)
