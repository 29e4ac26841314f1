"""SUMMARY: what a batch run made, counted by outcome, reason, rule and field.

Counts are kept per unit in the ledger and added up at the end, so the summary
of a job interrupted ten times equals the summary of one uninterrupted run.
Only the ``run`` section (timing, this run's pages/s) describes the last run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scraper.batch.outcome import DocOutcome

__all__ = ["Tally", "build_summary"]


@dataclass(slots=True)
class Tally:
    """Counts that add up across units and runs."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rejects_by_reason: Counter[str] = field(default_factory=Counter)
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    removals_by_rule: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    archive_faults: int = 0
    archive_fault_bytes: int = 0

    def add(self, outcome: DocOutcome) -> None:
        """Count one document's outcome."""
        self.outcomes[outcome.kind] += 1
        if outcome.kind == "reject":
            self.rejects_by_reason[outcome.reason] += 1
        elif outcome.kind == "skipped":
            self.skipped_by_reason[outcome.reason] += 1
        self.removals_by_rule.update(outcome.removals)
        self.fields.update(outcome.fields)
        if outcome.fault_bytes:
            self.archive_faults += 1
            self.archive_fault_bytes += outcome.fault_bytes

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.outcomes.update(other.outcomes)
        self.rejects_by_reason.update(other.rejects_by_reason)
        self.skipped_by_reason.update(other.skipped_by_reason)
        self.removals_by_rule.update(other.removals_by_rule)
        self.fields.update(other.fields)
        self.archive_faults += other.archive_faults
        self.archive_fault_bytes += other.archive_fault_bytes

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (sorted, so equal tallies serialise equally)."""
        return {
            "outcomes": dict(sorted(self.outcomes.items())),
            "rejects_by_reason": dict(sorted(self.rejects_by_reason.items())),
            "skipped_by_reason": dict(sorted(self.skipped_by_reason.items())),
            "removals_by_rule": dict(sorted(self.removals_by_rule.items())),
            "fields": dict(sorted(self.fields.items())),
            "archive_faults": self.archive_faults,
            "archive_fault_bytes": self.archive_fault_bytes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        """The inverse of :meth:`to_dict`."""
        return cls(
            Counter(data.get("outcomes", {})),
            Counter(data.get("rejects_by_reason", {})),
            Counter(data.get("skipped_by_reason", {})),
            Counter(data.get("removals_by_rule", {})),
            Counter(data.get("fields", {})),
            int(data.get("archive_faults", 0)),
            int(data.get("archive_fault_bytes", 0)),
        )


def build_summary(tally: Tally, run: dict[str, Any]) -> dict[str, Any]:
    """The run summary: totals, rejects by reason, removals by rule, field coverage, speed.

    >>> t = Tally(); t.add(DocOutcome("book", b"{}", "", ("title",)))
    >>> build_summary(t, {})["field_coverage"]["title"]
    {'books': 1, 'share': 1.0}
    """
    books = tally.outcomes.get("book", 0)
    counts = tally.to_dict()
    coverage = {
        name: {"books": n, "share": round(n / books, 4) if books else 0.0} for name, n in sorted(tally.fields.items())
    }
    return {
        "documents": books + tally.outcomes.get("reject", 0),
        "outcomes": counts["outcomes"],
        "rejects_by_reason": counts["rejects_by_reason"],
        "skipped_by_reason": counts["skipped_by_reason"],
        "removals_by_rule": counts["removals_by_rule"],
        "field_coverage": coverage,
        "archive_faults": {
            "count": tally.archive_faults,
            "bytes_skipped": tally.archive_fault_bytes,
        },
        "run": run,
    }
