"""Sample text blocks of the Voluntary Local Review for ``citydip demo`` (invented, and they say so)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.reports.models import VlrText
from citydip.reports.texts import BLOCKS

SAMPLE_TEXTS = {
    "approach": (
        "Sample text for the CityDip demo. The city council adopted the 2030 Agenda as a framework for its "
        "sustainability plan and asked every department to report against the goals it can influence.\n\n"
        "Local targets reword the global ones where the city's own data and powers call for it; each indicator "
        "has an owning department and is published on the city's open SDG site."
    ),
    "international": (
        "Sample text for the CityDip demo. Sister cities, city networks and visiting delegations are recorded "
        "with the goals they serve, so this review can show, goal by goal, which partnerships and practices "
        "from other cities contributed."
    ),
}


def seed(session: Session, workspace: WorkspaceRecord) -> None:
    """Give a demo workspace two of the review's text blocks, marked as sample text."""
    titles = {b.key: b.title for b in BLOCKS}
    for key, body in SAMPLE_TEXTS.items():
        session.add(
            VlrText(
                workspace_id=workspace.id, key=key, title=titles[key], body=body, updated_by="citydip demo"
            )
        )
    session.flush()
