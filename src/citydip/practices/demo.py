"""Sample practices for ``citydip demo``, written for the demo and marked as sample (not real records).

Each demo workspace gets a few practices in its own words: one private, one shared with its network and one
public, so the search page shows how sharing works across the demo network.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext, WorkspaceRecord
from citydip.practices import service
from citydip.practices.schemas import PracticeIn

SOURCE = "CityDip demo (sample)"
SAMPLE_NOTE = "Sample record written for the CityDip demo; not a real practice."

SAMPLES: dict[str, list[dict[str, Any]]] = {
    "los-angeles": [
        {
            "title": "Cool pavement coating on residential streets (sample)",
            "city": "Los Angeles, US",
            "summary": "A light-coloured coating is applied to streets in the hottest neighbourhoods so that "
            "they absorb less sunlight and release less heat at night. " + SAMPLE_NOTE,
            "problem": "Dark asphalt stores heat during heatwaves and keeps streets warm after sunset.",
            "outcomes": "Surface temperatures on coated blocks were measured several degrees lower at noon.",
            "outcome_figures": [{"label": "Blocks coated", "value": 40, "unit": "blocks"}],
            "sdgs": [3, 11, 13],
            "challenges": ["heatwaves"],
            "sectors": ["urban regeneration"],
            "visibility": "network",
            "start_year": 2021,
        },
        {
            "title": "Multilingual help desk for small exporters (sample)",
            "city": "Los Angeles, US",
            "summary": "Trade advisers answer questions from small firms in six languages and connect them with "
            "buyers in sister cities. " + SAMPLE_NOTE,
            "sdgs": [8, 17],
            "sectors": ["economy"],
            "visibility": "public",
            "start_year": 2019,
        },
        {
            "title": "Protocol checklist for incoming delegations (sample)",
            "city": "Los Angeles, US",
            "summary": "A shared checklist covers gifts, interpreters, security and follow-up letters for every "
            "visiting delegation. " + SAMPLE_NOTE,
            "sdgs": [16, 17],
            "sectors": ["governance"],
            "visibility": "private",
        },
    ],
    "houston": [
        {
            "title": "Flood-ready community centres (sample)",
            "city": "Houston, US",
            "summary": "Neighbourhood centres get backup power, raised equipment and supplies so they can serve "
            "as shelters during storms and floods. " + SAMPLE_NOTE,
            "sdgs": [11, 13],
            "challenges": ["flooding", "storms"],
            "sectors": ["safety"],
            "visibility": "network",
            "start_year": 2018,
        },
        {
            "title": "Energy retrofit loans for small businesses (sample)",
            "city": "Houston, US",
            "summary": "Low-interest loans pay for efficient lighting, cooling and insulation, repaid from the "
            "energy savings. " + SAMPLE_NOTE,
            "sdgs": [7, 8, 13],
            "sectors": ["energy", "economy"],
            "visibility": "public",
            "start_year": 2020,
        },
        {
            "title": "Port city exchange on clean trucks (sample)",
            "city": "Houston, US",
            "summary": "Officers from port cities compare incentives for zero-emission drayage trucks and share "
            "their contract clauses. " + SAMPLE_NOTE,
            "sdgs": [9, 11, 17],
            "sectors": ["mobility"],
            "challenges": ["air pollution"],
            "visibility": "private",
        },
    ],
}


def seed(session: Session, workspace: WorkspaceRecord) -> None:
    """Add the sample practices of a demo workspace (nothing for other workspaces)."""
    ctx = WorkspaceContext.for_operator(workspace, label="demo")
    for n, fields in enumerate(SAMPLES.get(workspace.slug, []), start=1):
        data = PracticeIn.model_validate(
            {**fields, "external_id": f"demo-{workspace.slug}-{n}", "source": SOURCE}
        )
        service.create_practice(session, ctx, data, sample=True)
