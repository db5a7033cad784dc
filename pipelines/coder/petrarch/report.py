"""The load report: per PETRARCH file, what loaded, what was skipped and why, grouped by reason.

Readers count into a `Tally` while they read and freeze it into a `FileReport`; `LoadReport`
collects the files and prints the summary that `eventcoder dictionaries report` shows and the
Dagster run logs. Skips name the first line they happened on, so a curator can look one up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reason:
    """One reason, how often it applied, and the first line it applied to."""

    reason: str
    count: int
    first_line: int | None = None


@dataclass(frozen=True)
class FileReport:
    """What one file contributed."""

    file: str  # the file name
    kind: str  # actors | agents | discards | verbs
    loaded: int
    unit: str  # what `loaded` counts: "actors", "agent nouns", "phrases", "rules"
    details: tuple[tuple[str, int], ...] = ()  # further counts, e.g. ("names", 25000)
    skipped: tuple[Reason, ...] = ()  # entries left out, by reason
    notes: tuple[Reason, ...] = ()  # entries loaded with an approximation, by reason

    @property
    def skipped_total(self) -> int:
        return sum(reason.count for reason in self.skipped)

    def skipped_count(self, reason: str) -> int:
        """How often `reason` applied; 0 when it never did."""
        return next((r.count for r in self.skipped if r.reason == reason), 0)

    def detail(self, name: str) -> int:
        return dict(self.details).get(name, 0)


@dataclass(frozen=True)
class LoadReport:
    """Every file loaded, in load order, with the merge mode and the reading time."""

    files: tuple[FileReport, ...]
    mode: str
    seconds: float = 0.0

    def file(self, name: str) -> FileReport:
        """The report of the file with this name; KeyError if it was not loaded."""
        for report in self.files:
            if report.file == name:
                return report
        raise KeyError(name)

    def format(self) -> str:
        """A readable summary, one block per file."""
        lines = [f"PETRARCH dictionaries, mode {self.mode}, read in {self.seconds:.1f} s"]
        for report in self.files:
            details = "".join(f", {name} {count:,}" for name, count in report.details)
            lines.append(f"{report.file} ({report.kind}): {report.loaded:,} {report.unit} loaded{details}")
            lines.append(f"  skipped {report.skipped_total:,}")
            lines += [_reason_line(reason) for reason in report.skipped]
            if report.notes:
                lines.append("  loaded with approximations")
                lines += [_reason_line(reason) for reason in report.notes]
        return "\n".join(lines)


def _reason_line(reason: Reason) -> str:
    where = f" (first on line {reason.first_line})" if reason.first_line else ""
    return f"    {reason.count:>7,}  {reason.reason}{where}"


class Tally:
    """Counts kept while one file is read; `freeze` turns them into a FileReport."""

    def __init__(self, path: Path, kind: str, unit: str) -> None:
        self.path, self.kind, self.unit = path, kind, unit
        self._skipped: dict[str, list[int]] = {}
        self._notes: dict[str, list[int]] = {}
        self._details: dict[str, int] = {}

    def skip(self, reason: str, line: int | None, count: int = 1) -> None:
        _add(self._skipped, reason, line, count)

    def note(self, reason: str, line: int | None, count: int = 1) -> None:
        _add(self._notes, reason, line, count)

    def count(self, detail: str, count: int = 1) -> None:
        self._details[detail] = self._details.get(detail, 0) + count

    def freeze(self, loaded: int) -> FileReport:
        return FileReport(
            file=self.path.name, kind=self.kind, loaded=loaded, unit=self.unit,
            details=tuple(self._details.items()),
            skipped=_reasons(self._skipped), notes=_reasons(self._notes),
        )


def _add(counts: dict[str, list[int]], reason: str, line: int | None, count: int) -> None:
    entry = counts.setdefault(reason, [0, line or 0])
    entry[0] += count


def _reasons(counts: dict[str, list[int]]) -> tuple[Reason, ...]:
    """Most frequent first, so the report leads with what matters."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    return tuple(Reason(reason, count, line or None) for reason, (count, line) in ordered)
