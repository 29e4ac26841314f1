"""Everything that can stop one URL, as one tree.

::

    FetchError                     one URL did not yield a page
    ├── Refused                    we chose not to send the request (final)
    │   ├── BlockedAddress         the address guard (SSRF) said no
    │   ├── DisallowedByRobots     robots.txt says no
    │   └── UnsupportedScheme      file:, data:, ftp: ... (also on redirect)
    ├── LimitExceeded              the response broke a limit (final for this run)
    │   ├── BodyTooLarge           raw or decoded bytes over the cap (bombs end here)
    │   ├── BadEncoding            encoding chain too long, unknown or corrupt
    │   └── TooManyRedirects
    ├── HttpError                  a final 4xx/5xx such as 401, 403, 501
    │   └── Gone                   404 or 410: the page is not there, don't retry
    └── Retryable                  worth another try after a wait
        ├── TransportFailure       connect/read error, reset
        ├── DeadlineExceeded       the total per-request deadline passed
        ├── TruncatedBody          the body ended before its Content-Length
        ├── RetryableStatus        408, 429, 500, 502, 503, 504 (maybe Retry-After)
        ├── RobotsUnavailable      robots.txt answered 5xx/429 or not at all (RFC 9309)
        └── SoftFailure            a 200 that is an error or captcha page

    JobError                       the crawl as a whole cannot start
    ├── JobLocked                  another run holds the job directory
    └── OutputConflict             the output exists and there is no job to resume

Each class has a short ``kind`` used in the ledger, the summary and logs.
Messages never contain a secret: they are built from redacted URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scraper.fetch.bounded import Hop

__all__ = [
    "BadEncoding",
    "BlockedAddress",
    "BodyTooLarge",
    "DeadlineExceeded",
    "DisallowedByRobots",
    "FetchError",
    "Gone",
    "HttpError",
    "JobError",
    "JobLocked",
    "LimitExceeded",
    "OutputConflict",
    "Refused",
    "Retryable",
    "RetryableStatus",
    "RobotsUnavailable",
    "SoftFailure",
    "TooManyRedirects",
    "TransportFailure",
    "TruncatedBody",
    "UnsupportedScheme",
]


class FetchError(Exception):
    """One URL did not yield a page. ``hop`` is the partial response, if any was seen."""

    kind = "error"

    def __init__(self, message: str, *, hop: Hop | None = None) -> None:
        super().__init__(message)
        self.hop = hop


class Refused(FetchError):
    kind = "refused"


class BlockedAddress(Refused):
    kind = "blocked_address"


class DisallowedByRobots(Refused):
    kind = "robots_disallowed"


class UnsupportedScheme(Refused):
    kind = "unsupported_scheme"


class LimitExceeded(FetchError):
    kind = "limit"


class BodyTooLarge(LimitExceeded):
    kind = "too_large"


class BadEncoding(LimitExceeded):
    kind = "bad_encoding"


class TooManyRedirects(LimitExceeded):
    kind = "too_many_redirects"


class HttpError(FetchError):
    kind = "http_error"

    def __init__(self, message: str, *, status: int, hop: Hop | None = None) -> None:
        super().__init__(message, hop=hop)
        self.status = status
        self.kind = f"http_{status}"


class Gone(HttpError):
    kind = "gone"


class Retryable(FetchError):
    kind = "retryable"
    retry_after: float | None = None  # seconds the server asked for, uncapped


class TransportFailure(Retryable):
    kind = "transport"


class DeadlineExceeded(Retryable):
    kind = "timeout"


class TruncatedBody(Retryable):
    kind = "truncated"


class RetryableStatus(Retryable):
    kind = "http_retry"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        retry_after: float | None = None,
        hop: Hop | None = None,
    ) -> None:
        super().__init__(message, hop=hop)
        self.status = status
        self.retry_after = retry_after
        self.kind = f"http_{status}"


class RobotsUnavailable(Retryable):
    kind = "robots_unavailable"


class SoftFailure(Retryable):
    kind = "soft_failure"


class JobError(Exception):
    """The crawl as a whole cannot start; the message is one line for the user."""


class JobLocked(JobError):
    pass


class OutputConflict(JobError):
    pass
