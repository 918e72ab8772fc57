"""``check_repository``: validate an Open SDG data repository without importing it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citydip.sdg.opensdg.model import SEVERITIES, IndicatorResult, Problem, Repository
from citydip.sdg.opensdg.reader import read_repository


@dataclass
class CheckReport:
    """Every problem found, by indicator and for the repository as a whole."""

    root: str
    results: dict[str, IndicatorResult]
    repository_problems: list[Problem] = field(default_factory=list)
    repository: Repository | None = None

    @property
    def problems(self) -> list[Problem]:
        """All problems: repository-wide first, then per indicator."""
        out = list(self.repository_problems)
        for result in self.results.values():
            out.extend(result.problems)
        return out

    def count(self, severity: str) -> int:
        """How many problems of one severity."""
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def clean(self) -> list[str]:
        """Indicators without errors."""
        return [i for i, r in self.results.items() if r.ok]

    @property
    def with_errors(self) -> list[str]:
        """Indicators with at least one error (an import would reject them)."""
        return [i for i, r in self.results.items() if not r.ok]

    @property
    def placeholders(self) -> list[str]:
        """Indicators whose data is the starter template's placeholder file."""
        return [i for i, r in self.results.items() if r.indicator.placeholder]

    @property
    def fatal(self) -> bool:
        """True when the repository itself could not be read (nothing would import)."""
        return not self.results and any(p.severity == "error" for p in self.repository_problems)

    @property
    def exit_code(self) -> int:
        """0 when there are no errors, 1 when some indicators have errors, 2 when nothing could be read."""
        if self.fatal:
            return 2
        return 1 if self.count("error") else 0

    def by_code(self) -> list[tuple[str, str, int]]:
        """(severity, code, count), most severe first."""
        counts = Counter((p.severity, p.code) for p in self.problems)
        rank: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(((s, c, n) for (s, c), n in counts.items()), key=lambda x: (rank[x[0]], -x[2], x[1]))

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "root": self.root,
            "indicators": len(self.results),
            "clean": len(self.clean),
            "with_errors": self.with_errors,
            "placeholders": self.placeholders,
            "counts": {s: self.count(s) for s in SEVERITIES},
            "problems": [p.as_dict() for p in self.problems],
        }


def check_repository(path: str | Path, config_file: str | Path | None = None) -> CheckReport:
    """Read and validate a repository (folder or zip); return a report listing every problem."""
    repo = read_repository(path, config_file=config_file)
    return CheckReport(
        root=repo.root, results=repo.results, repository_problems=repo.problems, repository=repo
    )
