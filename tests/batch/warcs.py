"""Test archives written by warcio (and tarfile/zipfile): small, seeded, real."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Capture:
    """One HTTP capture to write: the URL, its body and its Content-Type."""

    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"


def book_page(n: int, *, title: str | None = None) -> bytes:
    """A small, valid book detail page numbered ``n``."""
    title = title or f"The Book Number {n}"
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p class='author'>By Ann Author{n % 7}</p>"
        f"<p>Publisher: House {n % 5}</p><p>Published: {1950 + n % 70}</p>"
        f"<p>A description of book {n}: a long and winding tale.</p></body></html>"
    ).encode()


def write_record(writer: WARCWriter, record: Any) -> None:
    """Write a record and close the temp file warcio buffers it in (else: ResourceWarning).

    The date and record id are fixed (the id is the record's offset in its file), so the
    same captures give the same bytes on every run and a seeded byte flip lands on the
    same byte each time.
    """
    record.rec_headers.replace_header("WARC-Date", "2024-01-01T00:00:00Z")
    record.rec_headers.replace_header("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=writer.out.tell() + 1)}>")
    writer.write_record(record)
    record.raw_stream.close()


def write_warc(path: Path, captures: Iterable[Capture], *, gzip: bool = True, with_requests: bool = False) -> list[int]:
    """Write captures as response records (and request records); return record offsets."""
    offsets = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        write_record(writer, writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for cap in captures:
            if with_requests:
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                write_record(
                    writer, writer.create_warc_record(cap.url, "request", payload=io.BytesIO(b""), http_headers=req)
                )
            headers = StatusAndHeaders(cap.status, [("Content-Type", cap.content_type)], protocol="HTTP/1.1")
            offsets.append(out.tell())
            write_record(
                writer,
                writer.create_warc_record(cap.url, "response", payload=io.BytesIO(cap.body), http_headers=headers),
            )
    return offsets


def write_wet(path: Path, texts: Iterable[tuple[str, str]], *, gzip: bool = True) -> None:
    """Write (url, text) pairs as WET conversion records."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for url, text in texts:
            write_record(
                writer,
                writer.create_warc_record(
                    url, "conversion", payload=io.BytesIO(text.encode()), warc_content_type="text/plain"
                ),
            )


def member_spans(path: Path) -> list[tuple[int, int]]:
    """(start, end) of every gzip member of a per-record gzipped WARC, in order."""
    data = path.read_bytes()
    spans, pos = [], 0
    import zlib

    while pos < len(data):
        inflater = zlib.decompressobj(31)
        inflater.decompress(data[pos:])
        end = len(data) - len(inflater.unused_data)
        spans.append((pos, end))
        pos = end
    return spans


def hostile_pages(rng: random.Random) -> list[bytes]:
    """Pages that try to break a parser: truncated, garbage, deep, NUL bytes, huge attribute."""
    return [
        book_page(rng.randrange(10**6))[: rng.randrange(20, 200)],
        bytes(rng.randrange(256) for _ in range(2000)),
        b"<html><body>" + b"<div>" * 3000 + b"deep" + b"</div>" * 3000 + b"</body></html>",
        book_page(rng.randrange(10**6)).replace(b"<p>", b"<p>\x00\x00"),
        b"<html><body><h1 title='" + b"x" * 2_000_000 + b"'>Huge</h1></body></html>",
    ]


def build_archive_set(folder: Path, docs: int, *, seed: int, hostile: float = 0.05, per_warc: int = 250) -> None:
    """A seeded input set: WARC.gz files (one cut short), a tar.gz and loose pages.

    ``hostile`` of the documents are hostile pages (see :func:`hostile_pages`).
    """
    import tarfile

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    bodies = []
    for n in range(docs):
        if rng.random() < hostile:
            bodies.append(rng.choice(hostile_pages(rng)))
        else:
            bodies.append(book_page(n, title=f"Book {n} of seed {seed}"))
    loose, tarred, rest = bodies[:10], bodies[10:60], bodies[60:]
    for n, body in enumerate(loose):
        (folder / f"page{n:03d}.html").write_bytes(body)
    with tarfile.open(folder / "saved.tar.gz", "w:gz") as tar:
        for n, body in enumerate(tarred):
            info = tarfile.TarInfo(f"saved/p{n:03d}.html")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    for part, start in enumerate(range(0, len(rest), per_warc)):
        chunk = rest[start : start + per_warc]
        path = folder / f"crawl-{part:03d}.warc.gz"
        write_warc(
            path,
            [Capture(f"http://shop{part}.example/{n}", b) for n, b in enumerate(chunk)],
            with_requests=part % 2 == 0,
        )
        if part == 1:  # a crawl cut short: its tail is damage, not pages
            data = path.read_bytes()
            path.write_bytes(data[: len(data) - len(data) // 7])
