"""Archive readers: WARC/WET framing, HTTP decoding, safe tar/zip, damaged inputs."""

from __future__ import annotations

import gzip as gzip_module
import io
import os
import random
import signal
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archives import (
    ArchiveFault,
    SkippedRecord,
    read_tar,
    read_warc,
    read_warc_items,
    read_zip,
)
from scraper.batch.pool import state_at
from scraper.sources import RawPage, SkippedInput, iter_pages

from .warcs import Capture, book_page, member_spans, write_record, write_warc, write_wet


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts a reader stuck in a loop."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"reader still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pages(items: list[RawPage | SkippedInput]) -> list[RawPage]:
    return [i for i in items if isinstance(i, RawPage)]


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_warc_responses_become_html_pages_with_url_and_charset(tmp_path: Path, gzip: bool) -> None:
    """Each HTML response is a page carrying its target URL and Content-Type charset."""
    path = tmp_path / ("a.warc.gz" if gzip else "a.warc")
    write_warc(
        path,
        [
            Capture("http://ex.org/1", book_page(1), "text/html; charset=ISO-8859-1"),
            Capture("http://ex.org/2", book_page(2), "application/xhtml+xml"),
        ],
        gzip=gzip,
        with_requests=True,
    )
    found = pages(list(read_warc(path)))
    assert [(p.url, p.kind, p.charset) for p in found] == [
        ("http://ex.org/1", "html", "iso-8859-1"),
        ("http://ex.org/2", "html", None),
    ]
    assert found[0].data == book_page(1)
    assert found[0].uri.startswith(f"{path}#offset=")


SKIPPED_RECORDS = [
    # (capture, reason it is not a page)
    (Capture("http://ex.org/a.png", b"\x89PNG\r\n", "image/png"), "not an HTML response (image/png)"),
    (Capture("http://ex.org/moved", b"<html>moved</html>", status="301 Moved"), "HTTP status is not 2xx (301)"),
    (Capture("http://ex.org/gone", b"<html>404</html>", status="404 Not Found"), "HTTP status is not 2xx (404)"),
]


@pytest.mark.parametrize(("capture", "reason"), SKIPPED_RECORDS)
def test_non_page_responses_are_skipped_and_counted(tmp_path: Path, capture: Capture, reason: str) -> None:
    """Images, redirects and error statuses are counted skips, not pages and not rejects."""
    path = tmp_path / "a.warc.gz"
    write_warc(path, [capture])
    items = list(read_warc(path))
    assert [(type(i).__name__, i.reason) for i in items if not isinstance(i, RawPage)][-1] == (
        "SkippedRecord",
        reason,
    )


def _raw_response(path: Path, head: bytes, body: bytes) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        payload = io.BytesIO(head + b"\r\n\r\n" + body)
        record = writer.create_warc_record(
            "http://ex.org/x", "response", payload=payload, length=len(payload.getvalue())
        )
        write_record(writer, record)


def test_chunked_gzip_http_body_is_decoded(tmp_path: Path) -> None:
    """A chunked, gzip-encoded HTTP body comes out as the page's plain bytes."""
    body = gzip_module.compress(book_page(3))
    chunked = (
        b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 50]), body[i : i + 50]) for i in range(0, len(body), 50))
        + b"0\r\n\r\n"
    )
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip"
    )
    path = tmp_path / "c.warc.gz"
    _raw_response(path, head, chunked)
    (page,) = pages(list(read_warc(path)))
    assert page.data == book_page(3)


def test_http_body_bomb_is_refused(tmp_path: Path) -> None:
    """A small gzip body that inflates past the page cap is unreadable, not inflated."""
    bomb = gzip_module.compress(b"\0" * (65 * 2**20))
    path = tmp_path / "b.warc.gz"
    _raw_response(path, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip", bomb)
    (item,) = list(read_warc(path))
    assert isinstance(item, SkippedInput) and "inflates past" in item.reason


def test_wet_conversion_records_are_text_pages(tmp_path: Path) -> None:
    """A WET conversion record is a text dump page with its URL."""
    path = tmp_path / "a.warc.wet.gz"
    write_wet(path, [("http://ex.org/1", "Title\nBy Ann Author\n"), ("http://ex.org/2", "Two")])
    found = pages(list(read_warc(path)))
    assert [(p.url, p.kind, p.data) for p in found] == [
        ("http://ex.org/1", "text", b"Title\nBy Ann Author\n"),
        ("http://ex.org/2", "text", b"Two"),
    ]


def test_revisit_of_a_page_already_read_is_skipped_with_its_original(tmp_path: Path) -> None:
    """A revisit is resolved to the response that holds its payload, and not read twice."""
    path = tmp_path / "r.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        first = writer.create_warc_record(
            "http://ex.org/1", "response", payload=io.BytesIO(book_page(1)), http_headers=headers
        )
        write_record(writer, first)
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        write_record(
            writer, writer.create_revisit_record("http://ex.org/1", digest, "http://ex.org/1", "2024-01-01T00:00:00Z")
        )
        write_record(
            writer,
            writer.create_revisit_record(
                "http://ex.org/9", "sha1:UNKNOWNDIGEST", "http://ex.org/9", "2024-01-01T00:00:00Z"
            ),
        )
    items = list(read_warc(path))
    assert isinstance(items[0], RawPage)
    skipped = [i for i in items[1:] if isinstance(i, SkippedInput)]
    assert [(type(i).__name__, i.reason.split(" (")[0]) for i in skipped] == [
        ("SkippedRecord", "revisit of a page already read"),
        ("SkippedRecord", "revisit whose original is not in this archive"),
    ]
    assert "#offset=0" in skipped[0].reason


def test_whole_file_gzip_warc_is_read_record_by_record(tmp_path: Path) -> None:
    """A WARC gzipped as one stream (gzip x.warc) still yields every page."""
    plain = tmp_path / "a.warc"
    write_warc(plain, [Capture(f"http://ex.org/{i}", book_page(i)) for i in range(4)], gzip=False)
    path = tmp_path / "a.warc.gz"
    path.write_bytes(gzip_module.compress(plain.read_bytes()))
    assert [p.url for p in pages(list(read_warc(path)))] == [f"http://ex.org/{i}" for i in range(4)]


@pytest.mark.parametrize("cut", [None, 0.6], ids=["whole", "cut"])
def test_big_whole_file_gzip_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: float | None) -> None:
    """Past the member cap, a whole-file gzip is streamed record by record; a cut ends it
    with one fault."""
    monkeypatch.setattr("scraper.archives.MAX_RECORD_BYTES", 4000)
    plain = tmp_path / "a.warc"
    write_warc(plain, [Capture(f"http://ex.org/{i}", book_page(i)) for i in range(40)], gzip=False)
    data = gzip_module.compress(plain.read_bytes())
    path = tmp_path / "a.warc.gz"
    path.write_bytes(data if cut is None else data[: int(len(data) * cut)])
    with deadline(10):
        items = list(read_warc(path))
    found = pages(items)
    assert all("&inflated=" in p.uri for p in found)
    if cut is None:
        assert len(found) == 40 and not [i for i in items if isinstance(i, ArchiveFault)]
    else:
        assert 5 < len(found) < 40 and isinstance(items[-1], ArchiveFault)


# --- damaged WARCs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warc_gz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "src.warc.gz"
    write_warc(path, [Capture(f"http://ex.org/{i}", book_page(i)) for i in range(40)])
    return path


def _account(items: list[RawPage | SkippedInput]) -> tuple[set[int], list[ArchiveFault]]:
    """Offsets of the records read, and the faults."""
    read = {int(i.uri.rsplit("#offset=", 1)[1]) for i in items if not isinstance(i, ArchiveFault)}
    faults = [i for i in items if isinstance(i, ArchiveFault)]
    return read, faults


def _readable(original: bytes, mutant: bytes, spans: list[tuple[int, int]]) -> set[int]:
    """Ground truth: the members that inflate, on their own, to what was written."""
    ok = set()
    for start, end in spans:
        if end > len(mutant):
            continue
        try:
            got = zlib.decompress(mutant[start:end], 31)
            same = got == zlib.decompress(original[start:end], 31)
        except zlib.error:
            same = False
        if same:
            ok.add(start)
    return ok


@pytest.mark.parametrize("seed", range(50))
def test_cut_warc_gz_yields_every_record_before_the_cut(warc_gz: Path, tmp_path: Path, seed: int) -> None:
    """Cut at a random offset: every whole record is read, the rest is one fault with offset."""
    data = warc_gz.read_bytes()
    spans = member_spans(warc_gz)
    cut = random.Random(seed).randrange(1, len(data))
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    with deadline(10):
        items = list(read_warc(path))
    read, faults = _account(items)
    assert read == _readable(data, data[:cut], spans)
    whole = {start for start, end in spans if end <= cut}
    if cut not in {end for _, end in spans}:
        (fault,) = faults
        damaged = [start for start, _ in spans if start < cut and start not in whole]
        assert fault.offset == max(damaged)
        assert fault.offset + fault.skipped_bytes == cut
        assert f"#offset={fault.offset}" in fault.uri
    else:
        assert faults == []


@pytest.mark.parametrize("seed", range(30))
def test_byte_flipped_warc_gz_loses_only_the_damaged_record(warc_gz: Path, tmp_path: Path, seed: int) -> None:
    """A flipped byte costs at most its own record; every byte is read or counted as skipped."""
    data = bytearray(warc_gz.read_bytes())
    spans = member_spans(warc_gz)
    rng = random.Random(1000 + seed)
    at = rng.randrange(len(data))
    data[at] ^= 1 << rng.randrange(8)
    path = tmp_path / "flip.warc.gz"
    path.write_bytes(bytes(data))
    with deadline(10):
        items = list(read_warc(path))
    read, faults = _account(items)
    expected = _readable(warc_gz.read_bytes(), bytes(data), spans)
    assert read == expected
    assert len(read) >= len(spans) - 2  # a flip can cost one record (two if it hits a boundary)
    lengths = dict(spans)
    assert sum(lengths[s] - s for s in read) + sum(f.skipped_bytes for f in faults) == len(data)
    assert all(f.uri.endswith(f"#offset={f.offset}") for f in faults)


@pytest.mark.parametrize("seed", range(10))
def test_cut_plain_warc_yields_the_records_before_the_cut(tmp_path: Path, seed: int) -> None:
    """An uncompressed WARC cut anywhere keeps its whole records and reports the tail."""
    src = tmp_path / "src.warc"
    offsets = write_warc(src, [Capture(f"http://ex.org/{i}", book_page(i)) for i in range(10)], gzip=False)
    data = src.read_bytes()
    cut = random.Random(seed).randrange(1, len(data))
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    with deadline(10):
        items = list(read_warc(path))
    ends = [*offsets[1:], len(data)]
    whole = {start for start, end in zip(offsets, ends, strict=True) if end <= cut}
    read = {int(p.uri.rsplit("=", 1)[1]) for p in pages(items)}
    assert whole <= read <= whole | {max(o for o in offsets if o < cut)}
    assert all(f.offset + f.skipped_bytes == cut for f in items if isinstance(f, ArchiveFault))


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\0" * 5000, b"WARC/1.0\r\n" * 3, b"\x1f\x8b\x08" + bytes(range(256)) * 20],
    ids=["empty", "zeros", "headers-only", "fake-gzip"],
)
def test_garbage_warc_reports_faults_and_ends(tmp_path: Path, garbage: bytes) -> None:
    """Garbage is reported as damage with offsets, never a hang or an exception."""
    path = tmp_path / "g.warc.gz"
    path.write_bytes(garbage)
    with deadline(10):
        items = list(read_warc(path))
    assert all(isinstance(i, ArchiveFault) for i in items)
    assert sum(i.skipped_bytes for i in items if isinstance(i, ArchiveFault)) == len(garbage)


# --- resuming a WARC walk at a cursor (how workers start part-way through an archive) --------


def _with_revisits(path: Path) -> None:
    """Responses, revisits of some of them (earlier and later ones), and a request."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        digests = []
        for n in range(12):
            record = writer.create_warc_record(
                f"http://ex.org/{n}", "response", payload=io.BytesIO(book_page(n)), http_headers=headers
            )
            write_record(writer, record)
            digests.append(record.rec_headers.get_header("WARC-Payload-Digest"))
            if n % 3 == 2:
                write_record(
                    writer,
                    writer.create_revisit_record(
                        f"http://ex.org/r{n}", digests[n - 2], f"http://ex.org/{n - 2}", "2024-01-01T00:00:00Z"
                    ),
                )


def _assert_resumes_match(path: Path) -> int:
    """A walk resumed at any item's cursor, with the revisit state up to it, yields the
    same items as the walk from the start did from there; returns the cursors tried."""
    state: dict[str, int] = {}
    full = list(read_warc_items(path, payloads=state))
    tried = 0
    for index, (_, cursor) in enumerate(full):
        if cursor is None:
            continue
        tail = [item for item, _ in read_warc_items(path, cursor, state_at(state, cursor))]
        assert tail == [item for item, _ in full[index:]], f"resumed at {cursor}"
        tried += 1
    return tried


@pytest.mark.parametrize("name", ["r.warc.gz", "r.warc"])
def test_a_walk_resumed_at_a_cursor_reads_what_the_whole_walk_read(tmp_path: Path, name: str) -> None:
    """Revisits resolve the same way from a cursor as from the start of the file."""
    path = tmp_path / name
    _with_revisits(path)
    assert _assert_resumes_match(path) == 16


def test_a_walk_resumes_inside_a_member_of_several_records(tmp_path: Path) -> None:
    """A small whole-file gzip is one member: cursors count the records before theirs."""
    plain = tmp_path / "a.warc"
    _with_revisits(plain)
    path = tmp_path / "a.warc.gz"
    path.write_bytes(gzip_module.compress(plain.read_bytes()))
    cursors = [c for _, c in read_warc_items(path)]
    assert cursors[3] is not None and cursors[3].offset == 0 and cursors[3].skip == 3
    assert _assert_resumes_match(path) == 16


@pytest.mark.parametrize("seed", range(12))
def test_a_walk_resumes_the_same_across_damage(warc_gz: Path, tmp_path: Path, seed: int) -> None:
    """Cut or byte-flipped: faults and records after a cursor are those of the full walk."""
    data = bytearray(warc_gz.read_bytes())
    rng = random.Random(5000 + seed)
    if seed % 2:
        data = data[: rng.randrange(1, len(data))]
    else:
        for _ in range(3):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path = tmp_path / "m.warc.gz"
    path.write_bytes(bytes(data))
    with deadline(20):
        assert _assert_resumes_match(path) > 0


# --- tar and zip ---------------------------------------------------------------------------


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], mode: Literal["w", "w:gz"] = "w:gz") -> None:
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)


def _info(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


TAR_MEMBERS = [
    # (member, what the reader makes of it)
    (_info("site/book.html"), "RawPage"),
    (_info("site/dump.txt"), "RawPage"),
    (_info("../escape.html"), "SkippedInput"),
    (_info("/etc/abs.html"), "SkippedInput"),
    (_info("site/link.html", tarfile.SYMTYPE, "/etc/passwd"), "SkippedInput"),
    (_info("site/hard.html", tarfile.LNKTYPE, "site/book.html"), "SkippedInput"),
    (_info("site/dev.html", tarfile.CHRTYPE), "SkippedInput"),
    (_info("site/fifo.html", tarfile.FIFOTYPE), "SkippedInput"),
    (_info("site/style.css"), "SkippedRecord"),
]


@pytest.mark.parametrize("mode", ["w", "w:gz"], ids=["tar", "tar.gz"])
def test_tar_members_are_read_safely_in_memory(tmp_path: Path, mode: Literal["w", "w:gz"]) -> None:
    """Pages are read; traversal paths, links and devices are skipped with a reason."""
    path = tmp_path / ("a.tar" if mode == "w" else "a.tar.gz")
    _tar(path, [(info, book_page(n)) for n, (info, _) in enumerate(TAR_MEMBERS)], mode)
    with deadline(10):
        items = list(read_tar(path))
    assert [type(i).__name__ for i in items] == [kind for _, kind in TAR_MEMBERS]
    assert items[0].uri == f"{path}#site/book.html"
    assert not (tmp_path / "escape.html").exists()


def test_damaged_plain_tar_resumes_at_the_next_header(tmp_path: Path) -> None:
    """Garbage over one tar header costs that member; the following members are still read."""
    path = tmp_path / "a.tar"
    _tar(path, [(_info(f"p{i}.html"), book_page(i) * 3) for i in range(5)], "w")
    data = bytearray(path.read_bytes())
    with tarfile.open(path) as tar:
        second = tar.getmembers()[1].offset
    data[second : second + 512] = b"\xff" * 512
    path.write_bytes(bytes(data))
    with deadline(10):
        items = list(read_tar(path))
    names = [i.uri.rsplit("#", 1)[1] for i in items if isinstance(i, RawPage)]
    assert names == ["p0.html", "p2.html", "p3.html", "p4.html"]
    (fault,) = [i for i in items if isinstance(i, ArchiveFault)]
    assert fault.offset == second


def test_truncated_tar_gz_yields_members_before_the_cut(tmp_path: Path) -> None:
    """A cut tar.gz yields what came before the cut, then one fault."""
    path = tmp_path / "a.tar.gz"
    _tar(path, [(_info(f"p{i}.html"), os.urandom(3000).hex().encode()) for i in range(6)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with deadline(10):
        items = list(read_tar(path))
    assert 1 <= len(pages(items)) < 6
    assert isinstance(items[-1], ArchiveFault)


def _zip(path: Path, members: list[tuple[str, bytes]], *, symlink: str | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")


def test_zip_members_are_read_safely(tmp_path: Path) -> None:
    """A zip's pages are read; traversal, symlinks and non-pages are skipped."""
    path = tmp_path / "a.zip"
    _zip(
        path,
        [("a/book.html", book_page(1)), ("../up.html", book_page(2)), ("a/img.png", b"png")],
        symlink="a/link.html",
    )
    items = list(read_zip(path))
    assert [(type(i).__name__, i.uri.rsplit("#", 1)[1]) for i in items] == [
        ("RawPage", "a/book.html"),
        ("SkippedInput", "../up.html"),
        ("SkippedRecord", "a/img.png"),
        ("SkippedInput", "a/link.html"),
    ]


def test_zip_bomb_is_stopped_by_the_ratio_cap(tmp_path: Path) -> None:
    """Members inflating past the bomb ratio stop the reader with a fault."""
    path = tmp_path / "bomb.zip"
    _zip(path, [(f"p{i}.html", b"<p>" + b"a" * (60 * 2**20)) for i in range(3)])
    with deadline(20):
        items = list(read_zip(path))
    assert isinstance(items[-1], ArchiveFault) and "bomb" in items[-1].reason
    assert len(pages(items)) < 3


def test_truncated_zip_is_read_from_local_headers(tmp_path: Path) -> None:
    """A zip cut before its central directory still yields its whole members."""
    path = tmp_path / "a.zip"
    _zip(path, [(f"p{i}.html", book_page(i) * 5) for i in range(6)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.7)])
    with deadline(10):
        items = list(read_zip(path))
    found = [i.uri.rsplit("#", 1)[1] for i in pages(items)]
    assert found == [f"p{i}.html" for i in range(len(found))] and 2 <= len(found) < 6
    assert isinstance(items[-1], ArchiveFault)


def test_iter_pages_reads_archives_in_a_folder(tmp_path: Path) -> None:
    """Once imported, the readers make archives in a folder walk yield their pages."""
    write_warc(tmp_path / "a.warc.gz", [Capture("http://ex.org/1", book_page(1))])
    _zip(tmp_path / "b.zip", [("x.html", book_page(2))])
    found = [i for i in iter_pages([str(tmp_path)]) if isinstance(i, RawPage)]
    assert [p.url or p.uri.rsplit("#", 1)[1] for p in found] == ["http://ex.org/1", "x.html"]


def test_skipped_record_is_a_skipped_input() -> None:
    """Code that knows only SkippedInput still sees archive skips and faults as skips."""
    assert isinstance(SkippedRecord("u", "r"), SkippedInput)
    assert isinstance(ArchiveFault("u", "r", offset=1, skipped_bytes=2), SkippedInput)
