"""Per-host slots and spacing, on a fake clock."""

from __future__ import annotations

import asyncio

from scraper.fetch.politeness import HostGate

from .conftest import FakeTime


def test_requests_to_one_host_are_spaced(fake_time: FakeTime) -> None:
    """Three requests to one host start 1 s apart; another host is not delayed."""
    gate = HostGate(per_host=1, delay=1.0, clock=fake_time.clock, sleep=fake_time.sleep)
    starts: list[tuple[str, float]] = []

    async def go(host: str) -> None:
        async with gate.slot(host):
            starts.append((host, fake_time.now))

    async def main() -> None:
        await asyncio.gather(go("a"), go("a"), go("a"), go("b"))

    asyncio.run(main())
    a_starts = [t - 1000.0 for h, t in starts if h == "a"]
    assert a_starts == [0.0, 1.0, 2.0]
    assert fake_time.sleeps == [1.0, 1.0]


def test_per_host_concurrency_is_bounded() -> None:
    """No more than per_host requests to a host are in flight at once."""
    gate = HostGate(per_host=2, delay=0.0, clock=lambda: 0.0, sleep=asyncio.sleep)
    in_flight = peak = 0

    async def go() -> None:
        nonlocal in_flight, peak
        async with gate.slot("h"):
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.01)
            in_flight -= 1

    async def main() -> None:
        await asyncio.gather(*(go() for _ in range(6)))

    asyncio.run(main())
    assert peak == 2


def test_defer_pushes_the_whole_host(fake_time: FakeTime) -> None:
    """A Retry-After on one URL delays the next request to that host."""
    gate = HostGate(per_host=1, delay=0.0, clock=fake_time.clock, sleep=fake_time.sleep)

    async def main() -> None:
        gate.defer("h", 30.0)
        async with gate.slot("h"):
            pass

    asyncio.run(main())
    assert fake_time.sleeps == [30.0]


def test_crawl_delay_raises_but_never_lowers(fake_time: FakeTime) -> None:
    """set_delay keeps the larger of the default and the site's delay."""
    gate = HostGate(per_host=1, delay=2.0, clock=fake_time.clock, sleep=fake_time.sleep)

    async def twice(host: str) -> None:
        for _ in range(2):
            async with gate.slot(host):
                pass

    gate.set_delay("slow", 5.0)
    gate.set_delay("fast", 0.5)
    asyncio.run(twice("slow"))
    asyncio.run(twice("fast"))
    assert fake_time.sleeps == [5.0, 2.0]
