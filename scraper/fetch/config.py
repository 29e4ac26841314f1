"""Settings for one crawl: frozen, passed in, never global.

Every limit has a ``DEFAULT_*`` constant so the CLI help, the docs and the
tests quote the same number. Tests shrink the timeouts and delays instead of
patching the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import metadata

__all__ = [
    "DEFAULT_BACKOFF_INITIAL",
    "DEFAULT_BACKOFF_MAX",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_DECODED_BYTES",
    "DEFAULT_MAX_RAW_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_PER_HOST_CONCURRENCY",
    "DEFAULT_PER_HOST_DELAY",
    "DEFAULT_RETRY_AFTER_CAP",
    "DEFAULT_TIMEOUT",
    "FetchConfig",
    "RetryPolicy",
    "user_agent",
]

TOOL_NAME = "catalog-scraper"

# Global and per-host concurrency. Two connections and one request start per
# second per host is what most robots.txt authors and ops teams tolerate
# without noticing; a user with permission raises them.
DEFAULT_CONCURRENCY = 16
DEFAULT_PER_HOST_CONCURRENCY = 2
DEFAULT_PER_HOST_DELAY = 1.0
# A robots.txt Crawl-delay above this is clamped: some sites say 3600, which
# would make a 1000-page crawl take six weeks. We still wait this long.
DEFAULT_MAX_CRAWL_DELAY = 30.0

# Total deadline for one request (connect + headers + whole body). httpx's own
# timeouts are per operation, so a server dripping a byte every few seconds
# never trips them (httpx #1450); this one is enforced by us.
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0

# Catalog pages are tens of KiB; a few MiB happens (inline images). Past these
# the response is an accident or an attack, and we stop reading.
DEFAULT_MAX_RAW_BYTES = 16 * 2**20
DEFAULT_MAX_DECODED_BYTES = 32 * 2**20
# "gzip, br" is legitimate; longer chains only appear in decompression attacks.
DEFAULT_MAX_ENCODINGS = 2
DEFAULT_MAX_REDIRECTS = 10
# RFC 9309 asks parsers to read at least 500 KiB of robots.txt.
DEFAULT_ROBOTS_MAX_BYTES = 512 * 2**10

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_INITIAL = 1.0
DEFAULT_BACKOFF_MAX = 60.0
DEFAULT_BACKOFF_JITTER = 1.0
# Retry-After beyond this is clamped: a server asking for a day of silence
# gets our cap, and the URL ends as "failed" for the next run if it persists.
DEFAULT_RETRY_AFTER_CAP = 120.0
# Error and captcha pages served with 200 usually clear after minutes, not
# seconds: such a URL goes to the back of the queue this long.
DEFAULT_SOFT_FAILURE_DELAY = 60.0


@cache  # a metadata lookup walks sys.path: once per process, not once per request
def _version() -> str:
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0"


def user_agent(contact: str | None) -> str:
    """The User-Agent we send: the tool, its version and how to reach the operator.

    >>> user_agent("https://example.org/bot").startswith("catalog-scraper/")
    True
    >>> user_agent("https://example.org/bot").endswith("(+https://example.org/bot)")
    True
    """
    base = f"{TOOL_NAME}/{_version()}"
    return f"{base} (+{contact})" if contact else base


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a URL again."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS  # per URL per run, the first try included
    backoff_initial: float = DEFAULT_BACKOFF_INITIAL
    backoff_max: float = DEFAULT_BACKOFF_MAX
    backoff_jitter: float = DEFAULT_BACKOFF_JITTER  # up to this many seconds added at random
    retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP
    soft_failure_delay: float = DEFAULT_SOFT_FAILURE_DELAY


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Everything that shapes one crawl."""

    contact: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    per_host_concurrency: int = DEFAULT_PER_HOST_CONCURRENCY
    per_host_delay: float = DEFAULT_PER_HOST_DELAY
    max_crawl_delay: float = DEFAULT_MAX_CRAWL_DELAY
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_raw_bytes: int = DEFAULT_MAX_RAW_BYTES
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
    max_encodings: int = DEFAULT_MAX_ENCODINGS
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    robots_max_bytes: int = DEFAULT_ROBOTS_MAX_BYTES
    obey_robots: bool = True
    allow_private_addresses: bool = False
    # Networks exempt from the address guard (CIDR strings), for a user whose
    # catalog sits on an intranet host: narrower than --allow-private-addresses.
    allowed_networks: tuple[str, ...] = ()
    trust_env: bool = False
    headers: tuple[tuple[str, str], ...] = ()  # sent with every request (e.g. Authorization)
    follow: str | None = None  # CSS selector or URL pattern for discovery
    max_pages: int | None = None
    refresh: bool = False  # re-fetch done pages conditionally (ETag / Last-Modified)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def user_agent(self) -> str:
        """The User-Agent header value."""
        return user_agent(self.contact)
