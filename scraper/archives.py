"""ARCHIVES: WARC, WET, tar and zip files -> :class:`RawPage`, streaming and fault-tolerant.

Importing this module registers the readers in :data:`scraper.sources.ARCHIVE_READERS`.

Each reader walks its archive once, holding at most one record in memory, and
yields a :class:`RawPage` per page, a :class:`SkippedRecord` per record that is
not a page (requests, images, redirects, revisits: counted, not rejected), and a
:class:`SkippedInput` per page that cannot be read. Damage never stops a reader
early when more can be read: an :class:`ArchiveFault` names the offset where the
damage starts and the bytes skipped to the next readable record.

WARC framing is done here rather than by warcio's iterator: warcio reads through
a corrupt gzip member by printing to stderr and returning short data, and cannot
resynchronise after a bad record. Per-record gzip members (what Heritrix, wget,
browsertrix and Common Crawl write) are inflated one at a time and their CRC is
checked before any of their records is released, so a byte flip loses exactly
the record it hit.

>>> sorted(s for s in ARCHIVE_READERS if s.startswith(".w"))
['.warc', '.warc.gz', '.wet', '.wet.gz']
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import struct
import tarfile
import types
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from scraper.sources import (
    ARCHIVE_READERS,
    MAX_PAGE_BYTES,
    PAGE_SUFFIXES,
    RawPage,
    SkippedInput,
    kind_from_suffix,
)

# ISA-L inflates gzip 2-3x faster than zlib, and inflating is most of a batch
# run's main-process work (the workers wait on it); zlib is the fallback.
inflate_lib: types.ModuleType
try:
    from isal import isal_zlib

    inflate_lib = isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency, but not a hard one
    inflate_lib = zlib

__all__ = [
    "ArchiveFault",
    "SkippedRecord",
    "WarcCursor",
    "read_tar",
    "read_warc",
    "read_warc_items",
    "read_zip",
]

GZIP_MAGIC = b"\x1f\x8b\x08"
INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, inflate_lib.error)
MAX_HEADER_BYTES = 64 * 1024  # a WARC or HTTP header block; larger is garbage, not a header
MAX_RECORD_BYTES = MAX_PAGE_BYTES + MAX_HEADER_BYTES
# Past this many bytes out per byte in, a member is treated as a decompression
# bomb. Real HTML compresses 5-15x; 200x leaves room for repetitive pages.
MAX_INFLATE_RATIO = 200
READ_CHUNK = 1 << 16
# Most gzip members (one page each) fit in one read, so inflating gives one
# piece and joining the pieces copies nothing.
INFLATE_CHUNK = 1 << 18
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})


@dataclass(frozen=True, slots=True)
class SkippedRecord(SkippedInput):
    """A record inside an archive that is not a page: counted in the summary, not a reject."""


@dataclass(frozen=True, slots=True)
class ArchiveFault(SkippedInput):
    """Damage in an archive: where it starts and how many bytes were skipped past it."""

    offset: int = 0
    skipped_bytes: int = 0


Item = RawPage | SkippedInput


# --- WARC / WET ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    """One framed WARC record: lower-cased headers and the block bytes."""

    headers: dict[str, str]
    block: bytes | memoryview  # a view into the inflated member: pages are copied once


class _Damage(Exception):
    """A framing error at a known place; the reader turns it into an ArchiveFault."""


class _Oversized(_Damage):
    """A gzip member inflating past the cap: a whole-file gzip, a giant record or a bomb."""


def _parse_header_lines(lines: list[bytes]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw in lines:
        name, sep, value = raw.decode("utf-8", "replace").partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def _read_record(stream: BinaryIO, buffer: bytes | None = None) -> _Record | None:
    """Frame the record at the stream's position; None at a clean end of input.

    When the stream is a BytesIO over ``buffer``, the block is a view into it
    rather than a copy.
    """
    line = stream.readline(MAX_HEADER_BYTES)
    while line in (b"\r\n", b"\n"):  # writers differ in blank lines between records
        line = stream.readline(MAX_HEADER_BYTES)
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        raise _Damage("no WARC record header here")
    lines: list[bytes] = []
    size = len(line)
    while True:
        line = stream.readline(MAX_HEADER_BYTES)
        size += len(line)
        if not line or size > MAX_HEADER_BYTES:
            raise _Damage("WARC header block is truncated or too long")
        if line in (b"\r\n", b"\n"):
            break
        lines.append(line.rstrip(b"\r\n"))
    headers = _parse_header_lines(lines)
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        raise _Damage("WARC record has no valid Content-Length") from None
    if not 0 <= length <= MAX_RECORD_BYTES:
        raise _Damage(f"WARC record length {length} is negative or over the cap")
    if buffer is None:
        block: bytes | memoryview = stream.read(length)
    else:
        start = stream.tell()
        block = memoryview(buffer)[start : start + length]
        stream.seek(start + len(block))
    if len(block) < length:
        raise _Damage("WARC record is truncated")
    trailer = stream.read(4)
    # A cut right after the block still leaves a whole record; anything else
    # means Content-Length lied and the block is not what the writer wrote.
    if trailer != b"\r\n\r\n" and not (len(trailer) < 4 and b"\r\n\r\n".startswith(trailer)):
        raise _Damage("WARC record does not end where its Content-Length says")
    return _Record(headers, block)


def _find(stream: BinaryIO, needle: bytes, start: int) -> int | None:
    """Offset of the next ``needle`` at or after ``start``, reading in chunks."""
    stream.seek(start)
    pos, tail = start, b""
    while chunk := stream.read(READ_CHUNK):
        window = tail + chunk
        hit = window.find(needle)
        if hit >= 0:
            return pos - len(tail) + hit
        tail = window[-(len(needle) - 1) :]
        pos += len(chunk)
    return None


def _size(stream: BinaryIO) -> int:
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end


# (offset, location for the uri, record, index of the record in its gzip member;
# -1 where the walk cannot be resumed at this record: inside a whole-file gzip)
Framed = tuple[int, str, _Record, int]


def _plain_records(stream: BinaryIO, buffer: bytes | None = None) -> Iterator[Framed | ArchiveFault]:
    """Records of an uncompressed WARC stream, resynchronising on ``WARC/1.`` after damage."""
    end = _size(stream)
    pos = stream.tell()
    while True:
        stream.seek(pos)
        try:
            record = _read_record(stream, buffer)
        except _Damage as exc:
            hit = _find(stream, b"\nWARC/1.", pos + 1)
            nxt = end if hit is None else hit + 1
            yield ArchiveFault("", str(exc), offset=pos, skipped_bytes=nxt - pos)
            pos = nxt
            continue
        if record is None:
            return
        yield pos, f"offset={pos}", record, 0
        pos = stream.tell()


def _inflate_member(stream: BinaryIO) -> tuple[bytes, int]:
    """Inflate the gzip member at the stream's position: (data, compressed length)."""
    inflater = inflate_lib.decompressobj(31)
    out: list[bytes] = []
    total = fed = 0
    while chunk := stream.read(INFLATE_CHUNK):
        fed += len(chunk)
        data = chunk
        while data:
            try:
                piece = inflater.decompress(data, MAX_RECORD_BYTES - total + 1)
            except INFLATE_ERRORS as exc:
                raise _Damage(f"corrupt gzip data ({exc})") from None
            out.append(piece)
            total += len(piece)
            if total > MAX_RECORD_BYTES or total > MAX_INFLATE_RATIO * fed + INFLATE_CHUNK:
                raise _Oversized("gzip member inflates past the size or ratio cap")
            if inflater.eof:
                return b"".join(out), fed - len(inflater.unused_data)
            data = inflater.unconsumed_tail
    raise _Damage("gzip member is truncated")


def _gzip_records(stream: BinaryIO, pos: int = 0, skip: int = 0) -> Iterator[Framed | ArchiveFault]:
    """Records of a gzipped WARC, member by member, resynchronising on the gzip magic.

    ``pos`` and ``skip`` resume a walk: the member at ``pos`` (a member start the
    walk reached before) and the records of it already read.
    """
    end = _size(stream)
    while pos < end:
        stream.seek(pos)
        records: list[Framed] = []
        try:
            data, used = _inflate_member(stream)
            for framed in _plain_records(io.BytesIO(data), data):
                if isinstance(framed, ArchiveFault):
                    raise _Damage("gzip member holds a damaged WARC record")
                records.append(framed)
        except _Oversized as exc:
            if _starts_with_warc(stream, pos):
                yield from _whole_file_gzip_records(stream, pos, end)
                return
            damage: _Damage = exc
        except _Damage as exc:
            damage = exc
        else:
            for index, (_, where, record, _) in enumerate(records):
                if index >= skip:
                    label = f"offset={pos}" if len(records) == 1 else f"offset={pos}&{where}"
                    yield pos, label, record, index
            skip = 0
            pos += used
            continue
        hit = _find(stream, GZIP_MAGIC, pos + 1)
        nxt = end if hit is None else hit
        yield ArchiveFault("", str(damage), offset=pos, skipped_bytes=nxt - pos)
        pos = nxt


def _starts_with_warc(stream: BinaryIO, pos: int) -> bool:
    stream.seek(pos)
    inflater = inflate_lib.decompressobj(31)
    try:
        return bool(inflater.decompress(stream.read(READ_CHUNK), 5) == b"WARC/")
    except INFLATE_ERRORS:
        return False


def _whole_file_gzip_records(stream: BinaryIO, pos: int, end: int) -> Iterator[Framed | ArchiveFault]:
    """A WARC gzipped as one stream (``gzip x.warc``) has no resync points: read it
    record by record and stop at the first damage."""
    stream.seek(pos)
    with gzip.GzipFile(fileobj=stream, mode="rb") as inflated:
        while True:
            start = inflated.tell()
            try:
                record = _read_record(inflated)  # type: ignore[arg-type]  # GzipFile is a BinaryIO
            except (_Damage, OSError, EOFError, zlib.error) as exc:
                yield ArchiveFault(
                    "",
                    f"{exc} (inflated offset {start} of a whole-file gzip)",
                    offset=pos,
                    skipped_bytes=end - pos,
                )
                return
            if record is None:
                return
            yield pos, f"offset={pos}&inflated={start}", record, -1


def _merge_faults(items: Iterator[Framed | ArchiveFault]) -> Iterator[Framed | ArchiveFault]:
    """Report a run of back-to-back faults (a false resync point) as one damaged region."""
    pending: ArchiveFault | None = None
    for item in items:
        if isinstance(item, ArchiveFault):
            if pending is not None and pending.offset + pending.skipped_bytes == item.offset:
                pending = ArchiveFault(
                    "",
                    pending.reason,
                    offset=pending.offset,
                    skipped_bytes=pending.skipped_bytes + item.skipped_bytes,
                )
            else:
                if pending is not None:
                    yield pending
                pending = item
            continue
        if pending is not None:
            yield pending
            pending = None
        yield item
    if pending is not None:
        yield pending


def _media_type(content_type: str) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` -> ('text/html', 'utf-8')."""
    media, *params = content_type.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'").lower()
    return media.strip().lower(), charset


def _dechunk(body: bytes) -> bytes:
    """Undo HTTP chunked transfer coding; a broken tail keeps what decoded so far."""
    out, pos = [], 0
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        try:
            size = int(body[pos:eol].split(b";")[0], 16) if eol >= 0 else -1
        except ValueError:
            size = -1
        if size <= 0:
            break
        out.append(body[eol + 2 : eol + 2 + size])
        pos = eol + 2 + size + 2
    return b"".join(out)


def _decode_content(body: bytes, encoding: str) -> bytes:
    """Undo Content-Encoding, capped so a small body cannot inflate without bound."""
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 47 if encoding != "deflate" else (15 if body[:1] == b"\x78" else -15)
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(body, MAX_PAGE_BYTES + 1)
    elif encoding == "br":
        import brotli

        data = brotli.decompress(body)
    elif encoding == "zstd":
        import zstandard

        data = zstandard.ZstdDecompressor().decompress(body, max_output_size=MAX_PAGE_BYTES + 1)
    else:
        return body
    if len(data) > MAX_PAGE_BYTES:
        raise ValueError(f"body inflates past {MAX_PAGE_BYTES // 2**20} MiB")
    return bytes(data)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def _block_digest_ok(headers: dict[str, str], block: bytes | memoryview) -> bool:
    """Check WARC-Block-Digest when present in a form we know (sha1/sha256, base32 or hex)."""
    algo, _, value = headers.get("warc-block-digest", "").partition(":")
    algo = algo.strip().lower().replace("-", "")
    if algo not in ("sha1", "sha256") or not value:
        return True
    digest = hashlib.new(algo, block).digest()
    return value.strip().upper() in (base64.b32encode(digest).decode(), digest.hex().upper())


class _WarcState:
    """What a WARC walk remembers: payload digests of the pages read, to resolve revisits."""

    def __init__(self, payloads: dict[str, int] | None = None) -> None:
        self.payloads: dict[str, int] = {} if payloads is None else payloads


def _http_page(uri: str, url: str, record: _Record) -> Item:
    """A WARC response's HTTP message -> RawPage, or the reason it is not a page."""
    start = bytes(record.block[:MAX_HEADER_BYTES])
    end, gap = start.find(b"\r\n\r\n"), 4
    if end < 0:
        end, gap = start.find(b"\n\n"), 2
    lines = start[: max(end, 0)].split(b"\n")
    status_line = lines[0].decode("latin-1").split()
    if end < 0 or len(status_line) < 2 or not status_line[0].startswith("HTTP/"):
        return SkippedInput(uri, "unreadable HTTP response (no status line and headers)")
    body = bytes(record.block[end + gap :])
    http = _parse_header_lines([line.rstrip(b"\r") for line in lines[1:]])
    status = status_line[1]
    if not status.startswith("2"):
        return SkippedRecord(uri, f"HTTP status is not 2xx ({status})")
    media, charset = _media_type(http.get("content-type", ""))
    if "chunked" in http.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    try:
        body = _decode_content(body, http.get("content-encoding", "").strip().lower())
    except Exception as exc:  # zlib, brotli and zstandard each raise their own error type
        return SkippedInput(uri, f"unreadable HTTP body ({exc})")
    identified = record.headers.get("warc-identified-payload-type", "").lower()
    is_html = media in HTML_TYPES or identified in HTML_TYPES
    if not is_html and media in ("", "application/octet-stream") and _looks_like_html(body):
        is_html = True
    if not is_html:
        return SkippedRecord(uri, f"not an HTML response ({media or 'no Content-Type'})")
    if not body or body.isspace():
        return SkippedInput(uri, "empty HTTP body")
    return RawPage(uri=uri, data=body, url=url, kind="html", charset=charset)


def _warc_item(path: Path, offset: int, where: str, record: _Record, state: _WarcState, *, verify: bool) -> Item:
    uri = f"{path}#{where}"
    headers = record.headers
    if verify and not _block_digest_ok(headers, record.block):
        return ArchiveFault(
            uri,
            f"damaged archive: WARC-Block-Digest does not match; skipped {len(record.block)} bytes",
            offset=offset,
            skipped_bytes=len(record.block),
        )
    kind = headers.get("warc-type", "").lower()
    url = headers.get("warc-target-uri", "").strip("<> ")
    media, charset = _media_type(headers.get("content-type", ""))
    if kind == "conversion":  # WET: the text a crawler extracted from a page
        text = bytes(record.block)
        if not text or text.isspace():
            return SkippedInput(uri, "empty WET conversion record")
        return RawPage(uri=uri, data=text, url=url or None, kind="text", charset=charset or "utf-8")
    if kind == "response" and url.lower().startswith(("http:", "https:")):
        item = _http_page(uri, url, record)
        digest = headers.get("warc-payload-digest")
        if isinstance(item, RawPage) and digest:
            state.payloads.setdefault(digest, offset)
        return item
    if kind == "resource" and (media in HTML_TYPES or media in TEXT_TYPES):
        return RawPage(
            uri=uri,
            data=bytes(record.block),
            url=url or None,
            kind="html" if media in HTML_TYPES else "text",
            charset=charset,
        )
    if kind == "revisit":
        original = state.payloads.get(headers.get("warc-payload-digest", ""))
        if original is None:
            return SkippedRecord(uri, "revisit whose original is not in this archive")
        # The payload is a page already read from this archive: reading it again
        # would only duplicate that page's record.
        return SkippedRecord(uri, f"revisit of a page already read (#offset={original})")
    return SkippedRecord(uri, f"not a page record ({kind or 'no WARC-Type'})")


def read_warc(path: Path) -> Iterator[Item]:
    """Pages of a WARC or WET file, gzipped or not.

    HTML responses become ``kind="html"`` pages with the target URL and the
    charset of the HTTP Content-Type; WET conversion records become ``kind="text"``.
    """
    for item, _ in read_warc_items(path):
        yield item


@dataclass(frozen=True, slots=True)
class WarcCursor:
    """Where an item of a WARC walk starts: a gzip member (or plain record) offset and
    the records of that member before it. A walk started there goes on exactly as
    the walk from the start of the file did."""

    offset: int
    skip: int = 0


def read_warc_items(
    path: Path, start: WarcCursor | None = None, payloads: dict[str, int] | None = None
) -> Iterator[tuple[Item, WarcCursor | None]]:
    """:func:`read_warc`'s items, each with the cursor a walk can be resumed at.

    ``start`` resumes a walk at an item's cursor; ``payloads`` is the revisit state
    (payload digest -> offset of the page that had it) of the walk up to there, and
    is updated in place. The cursor is None for the records of a whole-file gzip,
    which can only be read from the start.
    """
    state = _WarcState(payloads)
    offset, skip = (start.offset, start.skip) if start is not None else (0, 0)
    with open(path, "rb") as stream:
        gzipped = stream.read(3) == GZIP_MAGIC
        stream.seek(offset)
        framed = _gzip_records(stream, offset, skip) if gzipped else _plain_records(stream)
        for item in _merge_faults(framed):
            if isinstance(item, ArchiveFault):
                nxt = item.offset + item.skipped_bytes
                fault = ArchiveFault(
                    f"{path}#offset={item.offset}",
                    f"damaged archive: {item.reason}; skipped {item.skipped_bytes} bytes to offset {nxt}",
                    offset=item.offset,
                    skipped_bytes=item.skipped_bytes,
                )
                yield fault, WarcCursor(item.offset)
            else:
                pos, where, record, index = item
                # A gzip member's CRC already vouches for its bytes; the block
                # digest is the only check an uncompressed record has.
                page = _warc_item(path, pos, where, record, state, verify=not gzipped)
                yield page, (WarcCursor(pos, index) if index >= 0 else None)


# --- tar and zip -----------------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    """Absolute paths, ``..`` parts and drive letters could escape any extraction folder."""
    pure = PurePosixPath(name.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts or ":" in (pure.parts[0] if pure.parts else "")


def _member_item(archive: Path, name: str, size: int) -> SkippedInput | None:
    """Why a member is not read as a page, or None when it should be."""
    uri = f"{archive}#{name}"
    if _unsafe_name(name):
        return SkippedInput(uri, "unsafe member path (absolute or with ..)")
    if PurePosixPath(name).suffix.lower() not in PAGE_SUFFIXES:
        return SkippedRecord(uri, "not a page file (suffix not .html/.htm/.txt)")
    if size == 0:
        return SkippedInput(uri, "empty member")
    if size > MAX_PAGE_BYTES:
        return SkippedInput(uri, f"member larger than {MAX_PAGE_BYTES // 2**20} MiB")
    return None


class _Budget:
    """Caps the bytes an archive may inflate to, relative to its size on disk."""

    def __init__(self, path: Path) -> None:
        self.left = max(path.stat().st_size * MAX_INFLATE_RATIO, MAX_PAGE_BYTES)

    def spend(self, size: int) -> bool:
        self.left -= size
        return self.left >= 0


def read_tar(path: Path) -> Iterator[Item]:
    """Pages of a tar, tar.gz or tgz, read member by member in memory; nothing is extracted.

    Links, devices and unsafe paths are skipped. Damaged headers are stepped over
    block by block (tarfile's ``ignore_zeros``) to the next valid one, and the gap
    is reported; offsets are in the uncompressed tar stream.
    """
    budget = _Budget(path)
    expected = 0  # where the next header should start if nothing is damaged
    compressed = False
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) in (b"\x1f\x8b", b"BZ", b"\xfd7")
            raw.seek(0)
            with tarfile.open(fileobj=raw, mode="r|*", ignore_zeros=True) as archive:
                for member in archive:
                    # The stream reader keeps every header it has read; a tar of a
                    # million pages would hold a million. We never look back.
                    archive.members = []  # type: ignore[attr-defined]
                    if member.offset > expected:
                        yield _tar_gap(path, expected, member.offset, compressed)
                    expected = member.offset_data + (member.size + 511) // 512 * 512
                    item = _tar_member(path, archive, member, budget)
                    if item is not None:
                        yield item
                    if isinstance(item, ArchiveFault):
                        return
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        end = expected if compressed else path.stat().st_size
        yield ArchiveFault(
            f"{path}#offset={expected}",
            f"damaged archive: {exc or type(exc).__name__}; the rest is unreadable",
            offset=expected,
            skipped_bytes=max(0, end - expected),
        )


def _tar_gap(path: Path, start: int, end: int, compressed: bool) -> ArchiveFault:
    where = " (uncompressed)" if compressed else ""
    return ArchiveFault(
        f"{path}#offset={start}",
        f"damaged archive: no valid tar header; skipped {end - start} bytes{where} to offset {end}",
        offset=start,
        skipped_bytes=end - start,
    )


def _tar_member(path: Path, archive: tarfile.TarFile, member: tarfile.TarInfo, budget: _Budget) -> Item | None:
    if member.isdir():
        return None
    uri = f"{path}#{member.name}"
    if not member.isfile():
        return SkippedInput(uri, "link, device or FIFO member (not followed)")
    skip = _member_item(path, member.name, member.size)
    if skip is not None:
        return skip
    if not budget.spend(member.size):
        return ArchiveFault(
            uri, "archive inflates past the bomb ratio cap; stopped", offset=member.offset, skipped_bytes=0
        )
    extracted = archive.extractfile(member)
    data = extracted.read() if extracted is not None else b""
    return RawPage(uri=uri, data=data, kind=kind_from_suffix(member.name))


def read_zip(path: Path) -> Iterator[Item]:
    """Pages of a zip, read in memory with the CRC checked; a zip without its
    central directory (truncated) is read from its local headers instead."""
    budget = _Budget(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield from _zip_local_members(path, budget)
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            uri = f"{path}#{info.filename}"
            if (info.external_attr >> 16) & 0o170000 not in (0, 0o100000):
                yield SkippedInput(uri, "link, device or FIFO member (not followed)")
                continue
            skip = _member_item(path, info.filename, info.file_size)
            if skip is not None:
                yield skip
                continue
            if info.flag_bits & 1:
                yield SkippedInput(uri, "encrypted member")
                continue
            if not budget.spend(info.file_size):
                yield ArchiveFault(
                    uri, "archive inflates past the bomb ratio cap; stopped", offset=info.header_offset, skipped_bytes=0
                )
                return
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_PAGE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                yield ArchiveFault(
                    f"{path}#offset={info.header_offset}",
                    f"damaged archive member: {exc}",
                    offset=info.header_offset,
                    skipped_bytes=info.compress_size,
                )
                continue
            yield RawPage(uri=uri, data=data[:MAX_PAGE_BYTES], kind=kind_from_suffix(info.filename))


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _zip_local_members(path: Path, budget: _Budget) -> Iterator[Item]:
    """Walk a damaged zip by its local file headers (what unzip -FF does)."""
    with open(path, "rb") as raw:
        end = _size(raw)
        pos = 0
        while (hit := _find(raw, b"PK\x03\x04", pos)) is not None:
            if hit > pos:
                yield ArchiveFault(
                    f"{path}#offset={pos}",
                    f"damaged archive: no zip header; skipped {hit - pos} bytes",
                    offset=pos,
                    skipped_bytes=hit - pos,
                )
            raw.seek(hit)
            fields = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size).ljust(30, b"\0"))
            _, _, flags, method, _, _, crc, csize, size, name_len, extra_len = fields
            name = raw.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", "replace")
            raw.seek(extra_len, io.SEEK_CUR)
            try:
                data = _zip_member_data(raw, method, flags, csize, crc)
            except _Damage as exc:
                pos = hit + 4
                nxt = _find(raw, b"PK\x03\x04", pos)
                skipped = (end if nxt is None else nxt) - hit
                yield ArchiveFault(
                    f"{path}#offset={hit}",
                    f"damaged archive member {name!r}: {exc}; skipped {skipped} bytes",
                    offset=hit,
                    skipped_bytes=skipped,
                )
                pos = end if nxt is None else nxt
                continue
            pos = raw.tell()
            if name.endswith("/"):
                continue
            skip = _member_item(path, name, len(data) or size)
            if skip is not None:
                yield skip
            elif not budget.spend(len(data)):
                yield ArchiveFault(
                    f"{path}#{name}", "archive inflates past the bomb ratio cap", offset=hit, skipped_bytes=end - hit
                )
                return
            else:
                yield RawPage(uri=f"{path}#{name}", data=data, kind=kind_from_suffix(name))


def _zip_member_data(raw: BinaryIO, method: int, flags: int, csize: int, crc: int) -> bytes:
    if method == 8:
        inflater = zlib.decompressobj(-15)
        out: list[bytes] = []
        total = 0
        while not inflater.eof:
            chunk = raw.read(READ_CHUNK)
            if not chunk:
                raise _Damage("member is truncated")
            try:
                piece = inflater.decompress(chunk, MAX_PAGE_BYTES + 1 - total)
            except zlib.error as exc:
                raise _Damage(f"corrupt deflate data ({exc})") from None
            out.append(piece)
            total += len(piece)
            if total > MAX_PAGE_BYTES:
                raise _Damage("member inflates past the size cap")
            if inflater.unconsumed_tail and not piece:
                raise _Damage("member inflates past the size cap")
        raw.seek(-len(inflater.unused_data) - len(inflater.unconsumed_tail), io.SEEK_CUR)
        data = b"".join(out)
    elif method == 0 and not flags & 8:
        data = raw.read(csize)
        if len(data) < csize:
            raise _Damage("member is truncated")
    else:
        raise _Damage(f"unsupported compression method {method}")
    if flags & 8:  # data descriptor: optional signature, crc, sizes
        desc = raw.read(16)
        if desc[:4] == b"PK\x07\x08":
            crc = struct.unpack("<L", desc[4:8])[0]
        else:
            crc = struct.unpack("<L", desc[:4])[0]
            raw.seek(-4, io.SEEK_CUR)
    if zlib.crc32(data) != crc:
        raise _Damage("CRC-32 does not match")
    return data


ARCHIVE_READERS.update(
    {
        ".warc": read_warc,
        ".warc.gz": read_warc,
        ".wet": read_warc,
        ".wet.gz": read_warc,
        ".tar": read_tar,
        ".tar.gz": read_tar,
        ".tgz": read_tar,
        ".zip": read_zip,
    }
)
