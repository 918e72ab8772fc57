"""The VLR's text blocks: which ones there are, their titles and what to write in each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A text block of the review."""

    key: str
    title: str
    hint: str


BLOCKS: tuple[Block, ...] = (
    Block(
        "foreword", "Foreword", "A message from the mayor or the head of the office (one or two paragraphs)."
    ),
    Block(
        "approach",
        "Our approach to localizing the SDGs",
        "How the city adopted the goals: council decisions, strategies and plans they are built into, "
        "and how local targets and indicators were chosen.",
    ),
    Block(
        "governance",
        "Institutional mechanisms",
        "Who leads the work, how departments coordinate, and how the review was prepared and approved.",
    ),
    Block(
        "engagement",
        "Stakeholder engagement and partnerships",
        "How residents, civil society, business, universities and partner cities took part.",
    ),
    Block(
        "international",
        "City diplomacy and the SDGs",
        "How international partnerships, networks and exchanges support the goals.",
    ),
    Block("next_steps", "Conclusions and next steps", "Lessons learned, gaps in data, and commitments."),
)
BLOCK_KEYS = {b.key for b in BLOCKS}
MAX_BODY = 20_000


def paragraphs(text: str) -> list[str]:
    """A block's text split into paragraphs at blank lines (lines inside a paragraph are joined)."""
    out = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if joined:
            out.append(joined)
    return out
