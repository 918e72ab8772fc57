"""Import the official UN SDG indicator list (UNSD "Global indicator framework" spreadsheet or a CSV).

The package ships codes and short labels written by this project; this import adds the official titles (and
any indicator the package does not know yet) so pages can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.reference.loaders import _sort_key, read_text_table
from citydip.reference.models import SdgGoal, SdgIndicator, SdgTarget

GOAL_RE = re.compile(r"^\s*Goal\s+(\d{1,2})\.\s*(.+)$", re.S)
TARGET_RE = re.compile(r"^\s*(\d{1,2}\.[0-9a-z]{1,2})\s+(.+)$", re.S)
INDICATOR_RE = re.compile(r"^\s*(\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})\s+(.+)$", re.S)
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Framework:
    """Official titles keyed by code."""

    goals: dict[int, str] = field(default_factory=dict)
    targets: dict[str, tuple[int, str]] = field(default_factory=dict)
    indicators: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code -> target, title, unsd


@dataclass
class FrameworkImportReport:
    """Counts of what the import touched."""

    goals: int = 0
    targets: int = 0
    indicators_updated: int = 0
    indicators_added: int = 0


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse_unsd_xlsx(path: Path) -> Framework:
    """Parse the UNSD spreadsheet: goal rows, target rows, indicator cells and UNSD codes."""
    import openpyxl

    fw = Framework()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise ValidationFailed(
            f"{path.name} is not a readable .xlsx workbook ({exc.__class__.__name__})."
        ) from None
    ws = wb[wb.sheetnames[0]]
    current_target = ""
    for row in ws.iter_rows(values_only=True):
        cells = [str(c) if c is not None else "" for c in row]
        while len(cells) < 4:
            cells.append("")
        left, ind, code = cells[1], cells[2], cells[3]
        if m := GOAL_RE.match(left):
            fw.goals[int(m.group(1))] = _clean(m.group(2))
            continue
        if m := TARGET_RE.match(left):
            current_target = m.group(1)
            fw.targets[current_target] = (int(current_target.split(".")[0]), _clean(m.group(2)))
        if (m := INDICATOR_RE.match(ind)) and current_target:
            fw.indicators.setdefault(m.group(1), (current_target, _clean(m.group(2)), _clean(code)))
    wb.close()
    return fw


def parse_csv(path: Path) -> Framework:
    """Parse a CSV with goal, target, indicator and title columns (e.g. indicator_title, target_title)."""
    rows = read_text_table(path.read_bytes())
    if not rows:
        raise ValidationFailed(f"{path.name} has no rows.")
    needed = {"goal", "target", "indicator"}
    missing = needed - set(rows[0])
    if missing:
        raise ValidationFailed(
            f"{path.name} lacks required columns.",
            [FieldProblem(c, "missing column", file=path.name) for c in sorted(missing)],
        )
    fw = Framework()
    problems = []
    for n, r in enumerate(rows, start=2):
        ind, tgt = r["indicator"].strip(), r["target"].strip()
        try:
            goal = int(r["goal"])
        except ValueError:
            problems.append(FieldProblem("goal", f"'{r['goal']}' is not a goal number", n, path.name))
            continue
        if not INDICATOR_RE.match(ind + " x"):
            problems.append(FieldProblem("indicator", f"'{ind}' is not an indicator code", n, path.name))
            continue
        if r.get("goal_title"):
            fw.goals.setdefault(goal, _clean(r["goal_title"]))
        if r.get("target_title"):
            fw.targets.setdefault(tgt, (goal, _clean(r["target_title"])))
        title = r.get("indicator_title") or r.get("title") or ""
        fw.indicators.setdefault(ind, (tgt, _clean(title), (r.get("unsd_code") or "").strip()))
    if problems:
        raise ValidationFailed(f"{path.name} has {len(problems)} bad rows; nothing was imported.", problems)
    return fw


def parse_framework_file(path: Path) -> Framework:
    """Parse the UNSD .xlsx or a CSV, by extension."""
    if not path.exists():
        raise ValidationFailed(f"{path} does not exist.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValidationFailed(f"{path.name} is larger than 20 MB; this is not an SDG framework file.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_unsd_xlsx(path)
    if path.suffix.lower() == ".csv":
        try:
            return parse_csv(path)
        except UnicodeDecodeError:
            raise ValidationFailed(f"{path.name} is not UTF-8 text.") from None
    raise ValidationFailed(f"{path.name}: expected the UNSD .xlsx or a .csv file.")


def apply_framework(session: Session, fw: Framework) -> FrameworkImportReport:
    """Store official titles; add indicators and targets the package does not list yet."""
    if len(fw.goals) < 17 or not fw.indicators:
        raise ValidationFailed(
            f"The file lists {len(fw.goals)} goals and {len(fw.indicators)} indicators; "
            "expected the 17 goals and the indicator list. Nothing was imported."
        )
    report = FrameworkImportReport()
    for number, title in fw.goals.items():
        goal = session.get(SdgGoal, number)
        if goal is not None and goal.official_title != title:
            goal.official_title = title
            report.goals += 1
    for code, (goal_no, title) in fw.targets.items():
        target = session.get(SdgTarget, code)
        if target is None:
            session.add(
                SdgTarget(
                    code=code,
                    goal=goal_no,
                    short_label=title[:200],
                    official_title=title,
                    sort_key=_sort_key(code),
                )
            )
            report.targets += 1
        elif target.official_title != title:
            target.official_title = title
            report.targets += 1
    session.flush()
    for code, (tgt, title, unsd) in fw.indicators.items():
        ind = session.get(SdgIndicator, code)
        if ind is None:
            session.add(
                SdgIndicator(
                    code=code,
                    target=tgt,
                    goal=int(code.split(".")[0]),
                    short_label=title[:200],
                    official_title=title,
                    unsd_code=unsd,
                    sort_key=_sort_key(code),
                )
            )
            report.indicators_added += 1
        elif ind.official_title != title or (unsd and ind.unsd_code != unsd):
            ind.official_title = title
            ind.unsd_code = unsd or ind.unsd_code
            report.indicators_updated += 1
    session.flush()
    return report
