"""Capped decoding: round trips, chains, bombs stopped at the cap, refusals."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import zstandard

from scraper.fetch.decoders import CappedDecoder, parse_encodings
from scraper.fetch.errors import BadEncoding, BodyTooLarge

TEXT = b"<p>Le Petit Prince, Antoine de Saint-Exup\xc3\xa9ry</p>" * 500


def _raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(wbits=-15)
    return z.compress(data) + z.flush()


ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "raw-deflate": _raw_deflate,
    "br": brotli.compress,
    "zstd": lambda d: zstandard.ZstdCompressor().compress(d),
}


def _decode(encodings: list[str], data: bytes, cap: int = 10**7, step: int = 97) -> bytes:
    decoder = CappedDecoder(encodings, max_bytes=cap)
    for i in range(0, len(data), step):
        decoder.feed(data[i : i + step])
    return decoder.finish()


@pytest.mark.parametrize("name", list(ENCODERS))
def test_round_trip_in_small_chunks(name: str) -> None:
    """Each coding decodes correctly when the body arrives in odd-sized chunks."""
    coding = "deflate" if name == "raw-deflate" else name
    assert _decode([coding], ENCODERS[name](TEXT)) == TEXT


def test_chain_of_two_is_decoded_in_reverse() -> None:
    """'gzip, br' means gzip first, so br is undone first."""
    assert _decode(["gzip", "br"], brotli.compress(gzip.compress(TEXT))) == TEXT


def test_multi_member_gzip() -> None:
    """Concatenated gzip members decode as one body."""
    assert _decode(["gzip"], gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd"])
def test_bomb_stops_at_the_cap(name: str) -> None:
    """16 MiB of zeros compressed stops decoding just past a 1 MiB cap."""
    bomb = ENCODERS[name](b"\0" * (16 * 2**20))
    decoder = CappedDecoder([name], max_bytes=2**20)
    with pytest.raises(BodyTooLarge):
        decoder.feed(bomb)
    assert decoder.size <= 2**20 + 2 * 64 * 1024


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("identity", []),
        ("GZIP", ["gzip"]),
        ("x-gzip", ["gzip"]),
        ("gzip, br", ["gzip", "br"]),
        ("gzip, identity, zstd", ["gzip", "zstd"]),
    ],
)
def test_parse_encodings(header: str | None, expected: list[str]) -> None:
    """Content-Encoding parses to the applied chain, identity dropped."""
    assert parse_encodings(header, max_encodings=2) == expected


@pytest.mark.parametrize("header", ["gzip, gzip, gzip", "br, gzip, deflate", "compress", "x-rot13"])
def test_refused_encodings(header: str) -> None:
    """Chains longer than two and unknown codings are refused."""
    with pytest.raises(BadEncoding):
        parse_encodings(header, max_encodings=2)


@pytest.mark.parametrize("name", ["gzip", "br", "zstd"])
def test_stream_cut_short_is_an_error(name: str) -> None:
    """A compressed body that stops mid-stream does not pass as complete."""
    data = ENCODERS[name](TEXT)
    with pytest.raises(BadEncoding):
        _decode([name], data[: len(data) // 2])


def test_corrupt_body_is_an_error() -> None:
    """Garbage labelled gzip is a BadEncoding, not a crash."""
    with pytest.raises(BadEncoding):
        _decode(["gzip"], b"this is not gzip at all")
