"""SDG suggestions for a practice: the three most likely goals with a confidence, from a shipped linear model.

The model (``data/sdg_model.npz``, built by ``scripts/build_sdg_model.py``) is one logistic regression per
goal over the static multilingual embedding of the practice text, so suggestions work for texts in any
language the embedding knows. Held-out accuracy: ``data/sdg_model_metrics.json`` and docs/search.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from citydip.practices.search.embedding import StaticEmbedder, default_embedder

GOALS = tuple(range(1, 18))
SDG_TEXT_CHARS = 3000


@dataclass(frozen=True)
class SdgSuggestion:
    """One suggested goal (1-17) and the model's probability for it (0-1)."""

    goal: int
    confidence: float


def sdg_text(title: str, text: str) -> str:
    """The text the SDG model reads: title plus the start of the body."""
    return f"{title}. {text[:SDG_TEXT_CHARS]}"


class SdgSuggester:
    """Linear one-vs-rest goal classifier over static embeddings."""

    def __init__(
        self, weights: npt.NDArray[np.float32], biases: npt.NDArray[np.float32], embedder: StaticEmbedder
    ) -> None:
        """Wrap trained weights (17 x dim) and biases (17,)."""
        if weights.shape != (len(GOALS), embedder.dim) or biases.shape != (len(GOALS),):
            raise ValueError(
                f"SDG model shape {weights.shape}/{biases.shape} does not fit a "
                f"{embedder.dim}-dim embedder with 17 goals"
            )
        self._w = weights.astype(np.float32)
        self._b = biases.astype(np.float32)
        self._embedder = embedder

    def probabilities(self, title: str, text: str = "") -> dict[int, float] | None:
        """Return {goal: probability} for all 17 goals, or None when the text gives nothing to go on."""
        vec = self._embedder.embed(sdg_text(title, text))
        if vec is None:
            return None
        z = np.clip(self._w @ vec + self._b, -30.0, 30.0)
        p = 1.0 / (1.0 + np.exp(-z))
        return {g: float(p[i]) for i, g in enumerate(GOALS)}

    def suggest(self, title: str, text: str = "", top: int = 3) -> list[SdgSuggestion]:
        """Return the `top` most likely goals, best first ([] for empty or unreadable text)."""
        probs = self.probabilities(title, text)
        if probs is None:
            return []
        ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, top)]
        return [SdgSuggestion(goal=g, confidence=round(p, 3)) for g, p in ranked]


def load_sdg_suggester(path: Path | None = None, embedder: StaticEmbedder | None = None) -> SdgSuggester:
    """Load the shipped SDG model (or one at `path`); raise FileNotFoundError naming the file."""
    p = path or Path(str(resources.files("citydip.practices.search") / "data" / "sdg_model.npz"))
    if not p.is_file():
        raise FileNotFoundError(f"SDG model file missing: {p} (rebuild with scripts/build_sdg_model.py)")
    with np.load(p) as z:
        return SdgSuggester(z["weights"], z["biases"], embedder or default_embedder())


@lru_cache(maxsize=1)
def default_sdg_suggester() -> SdgSuggester:
    """Return the process-wide shipped SDG suggester."""
    return load_sdg_suggester()


def suggest_sdgs(title: str, text: str = "", top: int = 3) -> list[SdgSuggestion]:
    """Suggest the `top` most likely SDGs for a practice with the shipped model."""
    return default_sdg_suggester().suggest(title, text, top)
