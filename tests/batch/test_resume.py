"""A job SIGKILLed ten times at seeded random moments ends exactly like an uninterrupted one."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import time
from pathlib import Path

from .conftest import batch_command
from .warcs import build_archive_set

DOCS = 2000
KILLS = 10


def records(path: Path) -> list[tuple[str, str]]:
    """(source, sha256 of the canonical record JSON) for every line; fails on a partial line."""
    found = []
    for line in path.read_bytes().splitlines():
        record = json.loads(line)
        source = record.get("source") or {}
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        found.append((source.get("uri", record.get("input", "")), hashlib.sha256(canonical).hexdigest()))
    return found


def command(inputs: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    out.mkdir(exist_ok=True)
    return batch_command(
        str(inputs),
        "-o",
        str(out / "books.jsonl"),
        "--job-dir",
        str(out / "job"),
        "--summary",
        str(out / "summary.json"),
        "--workers",
        "2",
        "--shard-docs",
        "20",
        "-q",
    )


def without_run(summary_path: Path) -> dict[str, object]:
    summary = json.loads(summary_path.read_text())
    summary.pop("run")
    return dict(summary)


def test_sigkilled_job_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    """0 duplicates, 0 lost, the same rejects and summary, no partial lines or temp files."""
    inputs = tmp_path / "inputs"
    build_archive_set(inputs, DOCS, seed=11, hostile=0.05)
    reference = tmp_path / "reference"
    argv, env = command(inputs, reference)
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)

    out = tmp_path / "killed"
    argv, env = command(inputs, out)
    ledger = out / "job" / "ledger.jsonl"
    rng = random.Random(20240611)
    kills = 0
    for _ in range(KILLS):
        done = len(ledger.read_bytes().splitlines()) if ledger.exists() else 0
        target = done + rng.randint(1, 3)
        extra = rng.uniform(0.0, 0.05)
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            if ledger.exists() and len(ledger.read_bytes().splitlines()) >= target:
                time.sleep(extra)  # land anywhere: mid-document, mid-shard, mid-merge
                break
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
    final = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 0, final.stderr
    assert kills >= KILLS - 2, "the job finished before it could be killed often enough"

    for name in ("books.jsonl", "books.rejects.jsonl"):
        got, want = records(out / name), records(reference / name)
        assert len(got) == len(set(got)), f"duplicates in {name}"
        assert set(got) == set(want), f"{name}: lost or extra records"
        assert (out / name).read_bytes() == (reference / name).read_bytes()
    assert len(records(reference / "books.jsonl")) > DOCS * 0.8
    assert without_run(out / "summary.json") == without_run(reference / "summary.json")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".partial")]
