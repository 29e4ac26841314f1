"""Content-Encoding decoders that never produce more than a byte budget.

httpx decodes with no output limit, so a 40 KiB gzip body can become 40 GiB in
memory. We read the raw stream ourselves and push it through these decoders,
each of which hands out bounded pieces: the caller stops at its cap and the
rest of the bomb is never inflated.

Per coding, the bound comes from the library's own output limit where it has
one (zlib ``max_length``, brotli ``output_buffer_limit``). python-zstandard has
none, so we feed it small input slices: a zstd block turns 4 bytes into at most
128 KiB, which bounds the output of each slice.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli
import zstandard

from scraper.fetch.errors import BadEncoding, BodyTooLarge

__all__ = ["CappedDecoder", "parse_encodings"]

PIECE = 64 * 1024  # largest output piece any decoder hands out at once
_ZSTD_MAX_RATIO = 32 * 1024  # 128 KiB block out of a 4-byte RLE block
_ZSTD_MAX_WINDOW = 8 * 2**20  # RFC 8878 section 3: what HTTP decoders must support


class _Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


def _zlib_header(data: bytes) -> bool:
    """Whether ``data`` starts with a zlib header (RFC 1950: CM=8, check bits)."""
    return len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0


class _ZlibDecoder:
    """gzip (multi-member) and deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._wbits = 31 if coding == "gzip" else 15
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False
        self._eof_seen = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        # RFC 9110 says zlib format for deflate; raw deflate is common in the wild.
        if self._coding == "deflate" and not self._started and data and not _zlib_header(data):
            self._wbits = -15
            self._obj = zlib.decompressobj(self._wbits)
        self._started = self._started or bool(data)
        while data:
            try:
                out = self._obj.decompress(data, PIECE)
            except zlib.error as exc:
                raise BadEncoding(f"corrupt {self._coding} body: {exc}") from exc
            if out:
                yield out
            if self._obj.eof:
                self._eof_seen = True
                rest = self._obj.unused_data
                if self._coding == "gzip" and rest.strip(b"\0"):
                    self._obj = zlib.decompressobj(self._wbits)  # next gzip member
                    data = rest
                    continue
                return  # trailing garbage after the stream is ignored, like browsers do
            data = self._obj.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        if self._started and not self._obj.eof and not self._eof_seen:
            raise BadEncoding(f"{self._coding} body ends mid-stream")
        return iter(())


class _BrotliDecoder:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        self._started = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        self._started = self._started or bool(data)
        try:
            out = self._obj.process(data, output_buffer_limit=PIECE)
            if out:
                yield out
            while not self._obj.can_accept_more_data():
                out = self._obj.process(b"", output_buffer_limit=PIECE)
                if not out:
                    break
                yield out
        except brotli.error as exc:
            raise BadEncoding(f"corrupt br body: {exc}") from exc

    def finish(self) -> Iterator[bytes]:
        try:
            while self._started and not self._obj.is_finished():
                out = self._obj.process(b"", output_buffer_limit=PIECE)
                if not out:
                    raise BadEncoding("br body ends mid-stream")
                yield out
        except brotli.error as exc:
            raise BadEncoding(f"corrupt br body: {exc}") from exc


class _ZstdDecoder:
    def __init__(self, budget: int) -> None:
        self._obj = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW).decompressobj()
        # Input slice such that one call yields at most ~half the budget.
        self._slice = max(16, min(16 * 1024, budget // (2 * _ZSTD_MAX_RATIO)))
        self._started = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        self._started = self._started or bool(data)
        view = memoryview(data)
        for start in range(0, len(view), self._slice):
            if self._obj.eof:
                return
            try:
                out = self._obj.decompress(view[start : start + self._slice].tobytes())
            except zstandard.ZstdError as exc:
                raise BadEncoding(f"corrupt zstd body: {exc}") from exc
            for i in range(0, len(out), PIECE):
                yield out[i : i + PIECE]

    def finish(self) -> Iterator[bytes]:
        if self._started and not self._obj.eof:
            raise BadEncoding("zstd body ends mid-stream")
        return iter(())


_ALIASES = {"x-gzip": "gzip", "gzip": "gzip", "deflate": "deflate", "br": "br", "zstd": "zstd"}


def parse_encodings(header: str | None, *, max_encodings: int) -> list[str]:
    """The Content-Encoding chain in the order it was applied, identity removed.

    >>> parse_encodings("gzip, br", max_encodings=2)
    ['gzip', 'br']
    >>> parse_encodings("gzip, gzip, gzip", max_encodings=2)
    Traceback (most recent call last):
    ...
    scraper.fetch.errors.BadEncoding: Content-Encoding chain of 3 codings refused (limit 2)
    """
    if not header:
        return []
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > max_encodings:
        raise BadEncoding(f"Content-Encoding chain of {len(codings)} codings refused (limit {max_encodings})")
    unknown = [c for c in codings if c not in _ALIASES]
    if unknown:
        raise BadEncoding(f"unsupported Content-Encoding {unknown[0]!r}")
    return [_ALIASES[c] for c in codings]


class CappedDecoder:
    """Decodes a Content-Encoding chain, raising :class:`BodyTooLarge` past ``max_bytes``."""

    def __init__(self, encodings: list[str], *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._chunks: list[bytes] = []
        self.size = 0
        # Decode in the reverse of the order the codings were applied.
        self._stages: list[_Decoder] = [
            _ZstdDecoder(max_bytes) if c == "zstd" else _BrotliDecoder() if c == "br" else _ZlibDecoder(c)
            for c in reversed(encodings)
        ]

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._stages):
            yield data
            return
        for piece in self._stages[index].decode(data):
            yield from self._through(index + 1, piece)

    def _finish_from(self, index: int) -> Iterator[bytes]:
        for i in range(index, len(self._stages)):
            for piece in self._stages[i].finish():
                yield from self._through(i + 1, piece)

    def _take(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            self.size += len(piece)
            if self.size > self.max_bytes:
                raise BodyTooLarge(f"decoded body exceeds {self.max_bytes} bytes")
            self._chunks.append(piece)

    def feed(self, raw: bytes) -> None:
        """Decode one raw chunk; stops inflating as soon as the cap is passed."""
        self._take(self._through(0, raw))

    def finish(self) -> bytes:
        """All decoded bytes; raises :class:`BadEncoding` if a stream was cut short."""
        self._take(self._finish_from(0))
        data = b"".join(self._chunks)
        self._chunks = [data]
        return data
