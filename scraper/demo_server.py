"""A tiny catalog site on 127.0.0.1 made of the pages under ``samples/pages``.

``catalog-scraper demo-server`` serves an index (``/``) that links every page
as ``/books/<name>``, plus a permissive ``/robots.txt``, so a new user can try
``scrape`` with no internet::

    catalog-scraper demo-server &
    catalog-scraper scrape http://127.0.0.1:8765/ --follow 'a.book' \\
        --allow-private-addresses --delay 0.1 -o books.jsonl

Only files found at start-up are served, looked up by name in a table: no
request path ever reaches the file system.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

__all__ = ["DemoSite", "add_arguments", "build_site", "run_from_args", "serve"]

DEFAULT_PORT = 8765
PAGE_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
}
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)


def default_pages_dir() -> Path:
    """``samples/pages`` of this checkout, else of the current directory."""
    here = Path(__file__).resolve().parents[1] / "samples" / "pages"
    return here if here.is_dir() else Path("samples/pages")


def _title(path: Path, data: bytes) -> str:
    match = _TITLE.search(data[:65536])
    if match:
        text = " ".join(match.group(1).decode("utf-8", "replace").split())
        if text:
            return html.unescape(text)[:120]
    return path.stem.replace("_", " ").replace("-", " ")


DemoSite = Mapping[str, tuple[str, bytes]]


def build_site(pages_dir: Path) -> dict[str, tuple[str, bytes]]:
    """Map each served path to (Content-Type, body): the index, robots.txt and the pages."""
    site: dict[str, tuple[str, bytes]] = {}
    items = []
    for path in sorted(pages_dir.rglob("*")):
        media = PAGE_TYPES.get(path.suffix.lower())
        if media is None or not path.is_file():
            continue
        data = path.read_bytes()
        relative = path.relative_to(pages_dir).as_posix()
        served = "/books/" + quote(relative)
        site[served] = (media, data)
        items.append(f'<li><a class="book" href="{html.escape(served)}">{html.escape(_title(path, data))}</a></li>')
    index = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Demo catalog</title></head>'
        f"<body><h1>Demo catalog</h1><p>{len(items)} books.</p><ul>\n" + "\n".join(items) + "\n</ul></body></html>\n"
    )
    site["/"] = ("text/html; charset=utf-8", index.encode())
    site["/robots.txt"] = ("text/plain", b"User-agent: *\nAllow: /\n")
    return site


def _handler(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site would
        server_version = "catalog-scraper-demo"

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            found = site.get(quote(path) if path.startswith("/books/") else path)
            status, (media, body) = (200, found) if found else (404, ("text/plain", b"not found\n"))
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # a demo should not flood the terminal

    return Handler


def serve(site: DemoSite, *, port: int = 0) -> ThreadingHTTPServer:
    """A server for ``site`` on 127.0.0.1 (port 0: any free port); call serve_forever()."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(site))
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``demo-server`` options."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1")
    parser.add_argument("--pages", type=Path, default=None, help="folder of pages (default: samples/pages)")


def run_from_args(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    pages_dir: Path = args.pages or default_pages_dir()
    if not pages_dir.is_dir():
        print(f"catalog-scraper: error: no folder of pages at {pages_dir}", file=sys.stderr)
        return 2
    site = build_site(pages_dir)
    try:
        server = serve(site, port=args.port)
    except OSError as exc:
        print(
            f"catalog-scraper: error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    count = sum(1 for path in site if path.startswith("/books/"))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Demo catalog: {count} page(s) from {pages_dir} at {url}", flush=True)
    print(
        f"Try: catalog-scraper scrape {url} --follow 'a.book' --allow-private-addresses --delay 0.1 -o books.jsonl",
        flush=True,
    )
    print("Ctrl-C stops the server.", flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
