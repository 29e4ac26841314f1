"""Benchmark batch ingestion: pages/s with 1 and 2 workers, Spark local[2], the WARC floor, RSS.

    .venv/bin/python benchmarks/bench_batch.py [--n 100000] [--no-spark] [--repeat N]

Documents are made from ``samples/pages`` and, when it exists, the real pages in
``../shared/corpus/pages`` (read in place, never copied into the repo): each is
varied (a numbered title and comment, so every document is distinct) and packed
into WARC.gz files of ``--per-warc`` responses. Each engine runs as its own
process, as a user would run it; peak RSS is summed over that process tree
(main, fork server, workers; for Spark the JVM too), sampled every 50 ms.

On a shared machine the wall-clock speed-up says more about the neighbours than
about the code, so CPU seconds are reported too: of the main process (the
share of a core it takes from the workers, per document) and of the whole tree.
From them, the speed-up two free cores would give: one worker runs as fast as
the busier of its two processes (main and worker run side by side), two workers
as fast as the tree's CPU time spread over two cores.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "samples" / "pages", REPO.parent / "shared" / "corpus" / "pages"]


def templates() -> list[bytes]:
    """The HTML pages documents are varied from."""
    found = []
    for folder in SOURCES:
        if folder.is_dir():
            found += [p.read_bytes() for p in sorted(folder.glob("*.html"))]
    if not found:
        sys.exit("no pages to vary: samples/pages and ../shared/corpus/pages are both missing")
    return found


def vary(page: bytes, n: int) -> bytes:
    """A distinct document: a numbered title and a comment, the rest as it was."""
    marker = f"<!-- bench document {n} -->".encode()
    lowered = page[:4096].lower()
    at = lowered.find(b"<title>")
    if at >= 0:
        at += len(b"<title>")
        return marker + page[:at] + f"{n} ".encode() + page[at:]
    return marker + page


def generate(folder: Path, n: int, per_warc: int, seed: int) -> list[Path]:
    """Write n varied documents as WARC.gz files (reused when already there)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    stamp = folder / f"generated-{n}-{per_warc}-{seed}.json"
    if stamp.exists():
        return [Path(p) for p in json.loads(stamp.read_text())]
    pages = templates()
    rng = random.Random(seed)
    paths = []
    for part, start in enumerate(range(0, n, per_warc)):
        path = folder / f"bench-{n}-{part:05d}.warc.gz"
        with open(path, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            for doc in range(start, min(n, start + per_warc)):
                body = vary(rng.choice(pages), doc)
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"https://bench.example/{doc}",
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=headers,
                )
                writer.write_record(record)
        paths.append(path)
    stamp.write_text(json.dumps([str(p) for p in paths]))
    return paths


def tree_rss(pid: int, cpu: dict[int, float]) -> int:
    """Resident bytes of a process and all its descendants; records each one's CPU seconds."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            cpu[current] = process_cpu(current)
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_run(argv: list[str]) -> tuple[float, int, float, float]:
    """Run a command; return (wall s, peak tree RSS, CPU s of the tree, CPU s of its main)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}  # the last CPU seconds seen of every process in the tree
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid, cpu))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{err[-2000:]}")
    # Sampled, so up to 50 ms of each process's last moments are missing.
    return wall, peak, sum(cpu.values()), cpu.get(process.pid, 0.0)


def _spin(_: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.perf_counter() - started


def _spin_briefly(_: int) -> float:
    time.sleep(0.2)  # both workers up and holding a task at once
    return 0.0


def core_capacity() -> float:
    """How much faster 2 busy processes finish than 1 would: about 2.0 on 2 free
    cores, about 1.0 when other work holds one of them (a shared machine)."""
    import multiprocessing

    alone = _spin(0)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        # Start both workers first: a spawned interpreter takes about as long to
        # start as the spin itself, and timing that read 1.0x on two free cores.
        pool.map(_spin_briefly, [0, 0], chunksize=1)
        started = time.perf_counter()
        pool.map(_spin, [0, 0], chunksize=1)
        pair = time.perf_counter() - started
    return 2 * alone / pair


def read_floor(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read every page out of the WARCs (no parsing): the floor."""
    sys.path.insert(0, str(REPO))
    from scraper.archives import read_warc
    from scraper.sources import RawPage

    started = time.perf_counter()
    count = sum(isinstance(item, RawPage) for path in paths for item in read_warc(path))
    return time.perf_counter() - started, count


def cpu_bound_speedup(one: tuple[float, float], two: tuple[float, float]) -> float:
    """Speed-up of 2 workers over 1 on two free cores, from (tree CPU s, main CPU s) of each.

    >>> round(cpu_bound_speedup((80.0, 10.0), (86.0, 10.0)), 2)
    1.63
    """
    one_s = max(one[1], one[0] - one[1])  # main and worker side by side: the busier one
    two_s = max(two[0] / 2, two[1])  # all of it over two cores
    return one_s / two_s


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}" if len(values) > 1 else ""


def clean(paths: list[Path], out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "scraper.batch",
        "clean",
        *map(str, paths),
        "-o",
        str(out),
        "--summary",
        str(out.parent / f"{out.name}.summary.json"),
        "-q",
        *extra,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--per-warc", type=int, default=1000, help="documents per WARC.gz")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, help="where WARCs and outputs go (default: temp)")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark local[2] run")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the 1- and 2-worker cases this many times, alternating, and report medians and spreads (default 1)",
    )
    args = parser.parse_args()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = generate(work, args.n, args.per_warc, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{args.n} documents in {len(paths)} WARC.gz files, {size / 2**20:.0f} MiB "
        f"(generated in {time.perf_counter() - started:.0f} s, in {work})",
        flush=True,
    )

    rows: list[tuple[str, float, float, int, float, float, str]] = []
    load = [os.getloadavg()[0]]
    capacity = [core_capacity()]
    floor, count = read_floor(paths)
    rows.append(("WARC read only (floor, in-process)", count / floor, floor, 0, floor, floor, ""))
    runs: dict[int, list[tuple[float, int, float, float]]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for workers in (1, 2):
            out = work / f"books-{workers}w.jsonl"
            runs[workers].append(
                timed_run(
                    clean(
                        paths,
                        out,
                        "--workers",
                        str(workers),
                        "--job-dir",
                        str(work / f"job-{workers}w-{time.time_ns()}"),
                    )
                )
            )
            load.append(os.getloadavg()[0])
        capacity.append(core_capacity())
    rates: dict[int, float] = {}
    cpus: dict[int, tuple[float, float]] = {}
    for workers, results in runs.items():
        rates[workers] = median([args.n / r[0] for r in results])
        cpus[workers] = (median([r[2] for r in results]), median([r[3] for r in results]))
        walls = [r[0] for r in results]
        name = f"local, {workers} worker{'s' * (workers > 1)}"
        if args.repeat > 1:
            name += f" (median of {args.repeat})"
        rows.append(
            (
                name,
                rates[workers],
                median(walls),
                max(r[1] for r in results),
                cpus[workers][0],
                cpus[workers][1],
                spread([args.n / w for w in walls]),
            )
        )
    quarter = paths[: max(1, len(paths) // 4)]
    n_quarter = min(args.n, len(quarter) * args.per_warc)
    wall, rss, cpu, main_cpu = timed_run(clean(quarter, work / "books-q.jsonl", "--workers", "2"))
    rows.append((f"local, 2 workers, {n_quarter} docs (RSS vs N)", n_quarter / wall, wall, rss, cpu, main_cpu, ""))
    if not args.no_spark:
        out = work / f"spark-{time.time_ns()}"
        wall, rss, cpu, main_cpu = timed_run(clean(paths, out, "--engine", "spark", "--master", "local[2]"))
        rows.append(("Spark local[2] (RSS and CPU incl. JVM)", args.n / wall, wall, rss, cpu, main_cpu, ""))
        load.append(os.getloadavg()[0])

    print(
        f"\n{'run':<44} {'pages/s':>9} {'wall s':>8} {'CPU s':>8} {'main CPU s':>11} "
        f"{'main ms/doc':>12} {'peak RSS':>9}  {'pages/s spread':>14}"
    )
    for name, rate, seconds, rss_bytes, cpu, main_cpu, spread_text in rows:
        rss_text = f"{rss_bytes / 2**20:.0f} MiB" if rss_bytes else "-"
        docs = count if name.startswith("WARC") else (n_quarter if "RSS vs N" in name else args.n)
        per_doc = f"{1000 * main_cpu / docs:.3f}" if rss_bytes else "-"
        print(
            f"{name:<44} {rate:>9.1f} {seconds:>8.1f} {cpu:>8.1f} {main_cpu:>11.1f} "
            f"{per_doc:>12} {rss_text:>9}  {spread_text:>14}"
        )
    print(
        f"\nspeed-up, 2 workers over 1: {rates[2] / rates[1]:.2f}x measured (target >= 1.8x), "
        f"{cpu_bound_speedup(cpus[1], cpus[2]):.2f}x from CPU time (two free cores)"
    )
    print(f"cores: {os.cpu_count()}, 1-min load average during the runs: " + ", ".join(f"{x:.1f}" for x in load))
    print("(a load average above the core count means other processes shared the cores)")
    print(
        "2-process capacity of this machine between the local runs (2.0 = two free "
        "cores): " + ", ".join(f"{c:.2f}x" for c in capacity)
    )


if __name__ == "__main__":
    main()
