"""Rank fusion of the keyword and dense result lists."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def rrf(
    ranked_lists: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1; best first."""
    w = list(weights) if weights is not None else [1.0] * len(ranked_lists)
    scores: dict[int, float] = {}
    for weight, ids in zip(w, ranked_lists, strict=True):
        for rank, doc in enumerate(ids, start=1):
            scores[doc] = scores.get(doc, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
