"""Commands: ``citydip practices import|search|reindex|suggest-sdgs``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from citydip.core.cli import cli_session, console, err_console, fail, group, print_json, progress, run
from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem
from citydip.core.tenancy import Visibility
from citydip.practices import indexing, searching, service
from citydip.practices.importers import IMPORTERS
from citydip.practices.importing import ImportReport, import_practices
from citydip.practices.searching import PracticeHit
from citydip.workspaces import service as workspaces

MAX_SHOWN_PROBLEMS = 50


def _ctx(session: Any, slug: str) -> WorkspaceContext:
    return workspaces.operator_context(session, slug)


def import_cmd(
    file: Annotated[Path, typer.Argument(help="File to import", show_default=False)],
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace slug")],
    fmt: Annotated[
        str | None, typer.Option("--format", help=f"{' | '.join(IMPORTERS)} (default: from the file)")
    ] = None,
    visibility: Annotated[str, typer.Option(help="Visibility of rows that do not give one")] = "private",
    strict: Annotated[bool, typer.Option(help="Import nothing if any row is rejected")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import practices from JSON Lines, CSV or the URBACT export; re-importing updates by external id.

    Example: citydip practices import corpus.jsonl --workspace bologna
    """
    try:
        vis = Visibility(visibility)
    except ValueError:
        fail("--visibility must be private, network or public")

    def act() -> ImportReport:
        with progress() as bar, cli_session() as session:
            tasks: dict[str, Any] = {}

            def step(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    label = "Reading rows" if stage == "reading" else "Indexing"
                    tasks[stage] = bar.add_task(label, total=total or None)
                bar.update(tasks[stage], completed=done, total=total or None)

            return import_practices(
                session,
                _ctx(session, workspace),
                file,
                fmt,
                default_visibility=vis,
                strict=strict,
                progress=step,
            )

    report = run(act)
    if as_json:
        print_json(report.as_dict())
        if report.all_rejected:
            raise typer.Exit(1)
        return
    console.print(
        f"{report.file} ({report.format}): {report.rows:,} rows read, [bold]{report.created:,}[/] "
        f"created, {report.updated:,} updated, {report.unchanged:,} unchanged, "
        f"{report.rejected_rows:,} rejected, in {report.seconds:.1f} s.",
        highlight=False,
    )
    if report.ignored_fields:
        console.print(f"Ignored unknown fields: {escape(', '.join(report.ignored_fields))}", highlight=False)
    _print_problems(report.rejected)
    if report.all_rejected:
        fail(f"every one of the {report.rows:,} rows was rejected; nothing was imported")


def _print_problems(problems: list[FieldProblem]) -> None:
    for p in problems[:MAX_SHOWN_PROBLEMS]:
        err_console.print(f"  rejected: {escape(str(p))}", highlight=False)
    if len(problems) > MAX_SHOWN_PROBLEMS:
        err_console.print(f"  ... and {len(problems) - MAX_SHOWN_PROBLEMS} more (use --json for all)")


def _hit_json(hit: PracticeHit) -> dict[str, Any]:
    p = hit.practice
    return {
        "external_id": p.external_id or str(p.id),
        "title": p.title,
        "city": p.city_name,
        "country": p.country_code,
        "score": hit.score,
        "workspace": hit.workspace_slug,
        "id": str(p.id),
        "matched_words": hit.matched_words,
    }


def _read_batch(path: Path) -> list[tuple[str, str]]:
    out = []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            err_console.print(f"{path.name}, line {n}: expected qid<TAB>query; skipped", highlight=False)
            continue
        qid, query = line.split("\t", 1)
        out.append((qid.strip(), query))
    return out


def search_cmd(
    query: Annotated[str | None, typer.Argument(help="What to look for, in any language")] = None,
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Search as this workspace")] = "",
    limit: Annotated[int, typer.Option(help="How many hits", min=1, max=searching.MAX_LIMIT)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON")] = False,
    batch: Annotated[
        Path | None, typer.Option(help="File of qid<TAB>query lines; prints one JSON line per query")
    ] = None,
    sdg: Annotated[list[int] | None, typer.Option(help="Only practices for this goal (repeatable)")] = None,
    language: Annotated[list[str] | None, typer.Option(help="Only practices in this language")] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Only practices of this country (ISO code)")
    ] = None,
    city: Annotated[list[str] | None, typer.Option(help="Only practices of this city (name)")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, keyword or dense")] = "hybrid",
    page: Annotated[int, typer.Option(help="Without a query: page of the list", min=1)] = 1,
) -> None:
    """Search the practices a workspace can see: its own plus what other cities share with it.

    Without a QUERY but with a filter, every matching practice is listed, most recently changed first.

    Examples: citydip practices search "cycle lanes" --workspace bologna --json
              citydip practices search --workspace bologna --sdg 13 --page 2
              citydip practices search --batch queries.tsv --workspace bologna --limit 50
    """
    if not workspace:
        fail("give --workspace SLUG (search runs as a workspace: its own practices plus shared ones)")
    if batch is None and query is None and not (sdg or language or country or city):
        fail("give a QUERY, a filter (--sdg, --language, --country, --city) or --batch FILE")
    raw: dict[str, Any] = {
        "sdg": [str(g) for g in sdg or []],
        "language": language or [],
        "country": country or [],
        "city": city or [],
        "limit": str(limit),
        "mode": mode,
        "page": str(page),
    }
    params, problems = searching.parse_params(raw)
    for p in problems:
        err_console.print(f"ignored {escape(str(p))}", highlight=False)

    def act() -> None:
        with cli_session() as session:
            ctx = _ctx(session, workspace)
            if batch is not None:
                queries = _read_batch(batch)
                for qid, q in queries:
                    hits = searching.search_practices(session, ctx, replace(params, q=q))
                    print_json(
                        {"qid": qid, "hits": [h.practice.external_id or str(h.practice.id) for h in hits]}
                    )
                return
            result = searching.run(session, ctx, replace(params, q=query or ""))
            if as_json:
                print_json([_hit_json(h) for h in result.hits])
                return
            if result.total is not None:
                console.print(
                    f"{result.total} {'practice matches' if result.total == 1 else 'practices match'} "
                    f"these filters (page {result.params.page} of "
                    f"{result.pages}, most recently changed first).",
                    highlight=False,
                )
            _print_hits(query or "", result.hits, browsing=result.total is not None)

    run(act)


def _print_hits(query: str, hits: list[PracticeHit], *, browsing: bool = False) -> None:
    if not hits:
        console.print(f"No practice matches {escape(repr(query[:80]))}.", highlight=False)
        return
    table = Table(
        "#",
        "score",
        "external id",
        "title",
        "city",
        "workspace",
        "found by",
        title=f"Practices for {query[:60]!r}" if query else "Practices",
    )
    for n, h in enumerate(hits, start=1):
        p = h.practice
        table.add_row(
            str(n),
            f"{h.score:.4f}",
            escape(p.external_id or ""),
            escape(p.title[:70]),
            escape(", ".join(x for x in (p.city_name, p.country_code or "") if x)),
            escape(h.workspace_slug),
            "filters" if browsing else "words" if h.matched_words else "meaning",
        )
    console.print(table)


def reindex_cmd(
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Only this workspace")] = None,
) -> None:
    """Rebuild the search index from the practices table (after a restore, or to drop stale entries).

    Example: citydip practices reindex
    """

    def act() -> tuple[int, int]:
        with cli_session() as session:
            ws_id = workspaces.require_workspace(session, workspace).id if workspace else None
            return indexing.reindex(session, ws_id)

    indexed, removed = run(act)
    console.print(f"Indexed {indexed:,} practices; removed {removed:,} stale index entries.")


def suggest_cmd(
    title: Annotated[str, typer.Argument(help="Title of the practice")],
    text: Annotated[str, typer.Argument(help="Summary or other text")] = "",
) -> None:
    """Suggest the three most likely SDGs for a practice text.

    Example: citydip practices suggest-sdgs "Protected cycle lanes" "25 km of lanes separated from traffic"
    """
    with cli_session() as session:
        for s in service.suggest_goals(session, title, text):
            console.print(f"{s.goal:>2}  {s.confidence:.0%}  {s.label}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``practices`` command group."""
    del app
    practices = group("practices", "Practice exchange: import, search and suggest SDGs.")
    practices.command("import")(import_cmd)
    practices.command("search")(search_cmd)
    practices.command("reindex")(reindex_cmd)
    practices.command("suggest-sdgs")(suggest_cmd)
