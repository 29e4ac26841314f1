"""The archive: every exchange as WARC request/response records (warcio).

Records go to ``NAME.warc.gz.open``, renamed to ``NAME.warc.gz`` on close, so a
file without ``.open`` is always whole. Each attempt's records (all redirect
hops) are built in memory and written with one ``write`` plus ``flush``; only
then does the ledger commit, storing the new file size. On the next run
:func:`open_archive` cuts the file back to that size, so an attempt that was
archived but not committed is dropped and fetched again: no duplicates, no
losses (see :mod:`scraper.fetch.ledger`).

What is stored: the raw body as received, still content-encoded (httpx gives
us the de-chunked stream, so ``Transfer-Encoding`` is kept as
``X-Archive-Orig-Transfer-Encoding``). Credentials are redacted in request
records, target URIs and ``Set-Cookie``. Custom fields: ``WARC-Scraper-For``
(the URL asked for, redacted), ``WARC-Scraper-Attempt`` and, on the last
response of an attempt, ``WARC-Scraper-Outcome`` (``done``, ``gone``,
``http_503``...), which ``scrape`` uses to pick pages.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import types
import zlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.fetch.bounded import Hop
from scraper.fetch.decoders import CappedDecoder, parse_encodings
from scraper.fetch.errors import FetchError, JobError, OutputConflict
from scraper.fetch.redact import redact_headers, redact_url
from scraper.sources import RawPage, kind_from_suffix

__all__ = ["WarcFile", "iter_done_pages", "media_kind", "open_archive"]

OPEN_SUFFIX = ".open"

# Each record is one gzip member. warcio compresses at zlib level 9: 17 ms for
# a 512 KiB catalog page, more than the rest of a fetch. ISA-L at its level 3
# takes about 1 ms for the same page, for an archive about 14% larger.
_deflate: types.ModuleType
try:
    from isal import isal_zlib

    _deflate, GZIP_LEVEL = isal_zlib, 3
except ImportError:  # pragma: no cover - isal is a dependency, but not a hard one
    _deflate, GZIP_LEVEL = zlib, 6


def _gzip_member(data: bytes) -> bytes:
    return _deflate.compress(data, GZIP_LEVEL, wbits=31)  # type: ignore[no-any-return]


def media_kind(content_type: str | None, url: str = "") -> tuple[str | None, str | None]:
    """(kind, charset) from a Content-Type: kind is "html", "text" or None (not a page).

    >>> media_kind("text/html; charset=ISO-8859-1")
    ('html', 'iso-8859-1')
    >>> media_kind("image/png")
    (None, None)
    """
    if not content_type:
        return kind_from_suffix(urlsplit(url).path) or "html", None
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    if media in ("text/html", "application/xhtml+xml"):
        return "html", charset
    if media == "text/plain":
        return "text", charset
    return None, None


class WarcFile:
    """An open ``.warc.gz.open`` file that whole attempts are appended to."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle = handle
        self.records = 0
        self._closed_size: int | None = None
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False)

    @property
    def offset(self) -> int:
        """Bytes written and flushed so far."""
        if self._closed_size is not None:
            return self._closed_size
        return self._handle.tell()

    def _write(self, build: Any) -> int:
        members = []
        for record in build(self._writer):
            # warcio serializes the record (headers, digests, Content-Length);
            # each record becomes its own gzip member, as warcio's gzip=True does.
            self._buffer.seek(0)
            self._buffer.truncate()
            self._writer.write_record(record)
            members.append(_gzip_member(self._buffer.getvalue()))
            self.records += 1
        # One write, then flush: the OS holds the bytes before the ledger commits.
        self._handle.write(b"".join(members))
        self._handle.flush()
        return self._handle.tell()

    def write_info(self, info: dict[str, str]) -> int:
        """A warcinfo record describing this run."""
        return self._write(lambda w: [w.create_warcinfo_record(self.path.name, info)])

    def write_attempt(self, hops: list[Hop], *, asked_for: str, attempt: int, outcome: str) -> int:
        """Archive every hop of one attempt; return the new committed size."""
        answered = [hop for hop in hops if hop.responded]
        if not answered:
            return self.offset

        def build(writer: WARCWriter) -> Iterator[Any]:
            for index, hop in enumerate(answered):
                extra = {
                    "WARC-Scraper-For": redact_url(asked_for),
                    "WARC-Scraper-Attempt": str(attempt),
                }
                if index == len(answered) - 1:
                    extra["WARC-Scraper-Outcome"] = outcome
                yield from _hop_records(writer, hop, extra)

        return self._write(build)

    def close(self) -> None:
        """Flush, close and drop the ``.open`` suffix."""
        if self._closed_size is not None:
            return
        self._closed_size = self._handle.tell()
        self._handle.close()
        os.replace(_open_path(self.path), self.path)


def _date(hop: Hop) -> str:
    return hop.started.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hop_records(writer: WARCWriter, hop: Hop, extra: dict[str, str]) -> list[Any]:
    target = redact_url(hop.url)
    parts = urlsplit(target)
    request_target = parts.path or "/"
    if parts.query:
        request_target += "?" + parts.query
    method = hop.request_line.split(" ", 1)[0]
    request = writer.create_warc_record(
        target,
        "request",
        http_headers=StatusAndHeaders(
            f"{method} {request_target} HTTP/1.1",
            redact_headers(hop.request_headers),
            is_http_request=True,
        ),
        warc_headers_dict={"WARC-Date": _date(hop)},
    )
    headers = []
    for name, value in redact_headers(hop.headers):
        if name.lower() == "transfer-encoding":
            name = "X-Archive-Orig-Transfer-Encoding"  # payload below is de-chunked
        headers.append((name, value))
    warc_headers = {"WARC-Date": _date(hop), **extra}
    if hop.truncated:
        warc_headers["WARC-Truncated"] = hop.truncated
    if hop.peer:
        warc_headers["WARC-IP-Address"] = hop.peer
    response = writer.create_warc_record(
        target,
        "response",
        payload=BytesIO(hop.raw),
        length=len(hop.raw),
        http_headers=StatusAndHeaders(f"{hop.status} {hop.reason}".strip(), headers, protocol=hop.http_version),
        warc_headers_dict=warc_headers,
    )
    request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
    return [request, response]


def _open_path(path: Path) -> Path:
    return path.with_name(path.name + OPEN_SUFFIX)


def _cut_to(path: Path, offset: int) -> None:
    size = path.stat().st_size
    if size < offset:
        raise JobError(
            f"{path} is shorter ({size} bytes) than the job ledger says ({offset}); "
            "it was changed outside this tool: use a new --job-dir and -o"
        )
    if size > offset:
        os.truncate(path, offset)  # an attempt archived but never committed


def open_archive(path: Path, committed: tuple[str, int] | None, *, resumable: bool) -> WarcFile:
    """Open ``path`` for appending, repairing it after a crash.

    ``committed`` is the (path, size) the ledger last stored; ``resumable`` is
    False without a job directory, in which case an existing file is refused
    rather than overwritten.
    """
    open_path = _open_path(path)
    if committed is not None and committed[0] != str(path):
        old = Path(committed[0])  # last run wrote elsewhere: close that file properly
        if _open_path(old).exists() and not old.exists():
            _cut_to(_open_path(old), committed[1])
            os.replace(_open_path(old), old)
        committed = None
    if committed is not None:
        offset = committed[1]
        if open_path.exists():
            _cut_to(open_path, offset)
        elif path.exists():
            _cut_to(path, offset)
            os.replace(path, open_path)
        elif offset:
            raise JobError(
                f"{path} is missing but the job ledger says {offset} bytes were written; "
                "use a new -o (or a new --job-dir)"
            )
    elif open_path.exists() or path.exists():
        existing = open_path if open_path.exists() else path
        hint = "use --job-dir to resume, " if not resumable else ""
        raise OutputConflict(f"{existing} already exists; {hint}choose another -o or remove it")
    path.parent.mkdir(parents=True, exist_ok=True)
    return WarcFile(path, open(open_path, "ab"))


def _superseded_responses(path: Path) -> set[int]:
    """Positions of "done" responses that a later response for the same URL replaced.

    Only a ``--refresh`` run archives a URL twice, so the set stays small. The
    URLs seen are kept in a throwaway SQLite file, not in memory: a crawl of
    millions of URLs reads back in constant memory.
    """
    superseded: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="catalog-scraper-") as tmp:
        db = sqlite3.connect(Path(tmp) / "latest.sqlite")
        try:
            db.execute("CREATE TABLE latest (url TEXT PRIMARY KEY, position INTEGER NOT NULL)")
            with open(path, "rb") as stream:
                for index, record in enumerate(ArchiveIterator(stream)):
                    if record.rec_type != "response" or record.rec_headers.get_header("WARC-Scraper-Outcome") != "done":
                        continue
                    url = record.rec_headers.get_header("WARC-Scraper-For")
                    row = db.execute("SELECT position FROM latest WHERE url = ?", (url,)).fetchone()
                    if row is not None:
                        superseded.add(row[0])
                    db.execute("INSERT OR REPLACE INTO latest VALUES (?, ?)", (url, index))
        finally:
            db.close()
    return superseded


def iter_done_pages(path: Path, *, max_decoded_bytes: int, max_encodings: int) -> Iterator[RawPage | tuple[str, str]]:
    """Each URL's latest successfully fetched page, decoded, from a WARC we wrote.

    Yields a :class:`RawPage` per page, or ``(url, reason)`` for a page that
    is not a page (an image, a PDF) or cannot be decoded within the caps.
    """
    superseded = _superseded_responses(path)
    with open(path, "rb") as stream:
        for index, record in enumerate(ArchiveIterator(stream)):
            if (
                record.rec_type != "response"
                or record.rec_headers.get_header("WARC-Scraper-Outcome") != "done"
                or index in superseded
            ):
                continue
            asked = record.rec_headers.get_header("WARC-Scraper-For")
            url = record.rec_headers.get_header("WARC-Target-URI")
            http = record.http_headers
            kind, charset = media_kind(http.get_header("Content-Type"), url)
            if kind is None:
                yield asked, "not an HTML or text page"
                continue
            raw = record.raw_stream.read()
            try:
                decoder = CappedDecoder(
                    parse_encodings(http.get_header("Content-Encoding"), max_encodings=max_encodings),
                    max_bytes=max_decoded_bytes,
                )
                decoder.feed(raw)
                data = decoder.finish()
            except FetchError as exc:
                yield asked, str(exc)
                continue
            yield RawPage(
                uri=asked,
                data=data,
                url=url,
                kind=kind,  # type: ignore[arg-type]
                charset=charset,
                site=urlsplit(url).hostname,
            )
