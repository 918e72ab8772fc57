"""Cross-language keyword expansion: map query words to index words that mean the same in other languages.

The static embedding space is shared by the 16 languages of its teacher, so the nearest index words to a
German query word ("Wärmepumpen") include the English and Italian words for it ("pumps", "heat", "pompa").
Adding those as a second keyword query lets BM25 find documents written in another language than the query.
"""

from __future__ import annotations

import re
import threading

import numpy as np
import numpy.typing as npt

from citydip.practices.search.embedding import StaticEmbedder
from citydip.practices.search.text import ALL_STOPWORDS, fold

_LETTERS = re.compile(r"^[^\W\d_]{3,40}$")


class CrossLingualExpander:
    """Nearest-neighbour lookup from a word to index vocabulary words, by cosine in the static space."""

    def __init__(self, embedder: StaticEmbedder, threshold: float = 0.7, per_term: int = 3) -> None:
        """Create an empty expander; feed it the index vocabulary with :meth:`add_words`."""
        self._embedder = embedder
        self.threshold = threshold
        self.per_term = per_term
        self._words: list[str] = []
        self._known: set[str] = set()
        self._mat: npt.NDArray[np.float32] = np.zeros((0, embedder.dim), dtype=np.float32)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Number of vocabulary words known."""
        return len(self._words)

    def add_words(self, words: list[str]) -> int:
        """Add index vocabulary words (letters only, 3+ chars, no stopwords); return how many were new."""
        new = [
            w
            for w in dict.fromkeys(words)
            if w not in self._known and w not in ALL_STOPWORDS and _LETTERS.match(w)
        ]
        if not new:
            return 0
        mat, ok = self._embedder.embed_many(new)
        kept = [w for w, good in zip(new, ok, strict=True) if good]
        with self._lock:
            self._mat = np.vstack([self._mat, mat[ok]]) if len(self._mat) else mat[ok].copy()
            self._words.extend(kept)
            self._known.update(new)
        return len(kept)

    def expand(self, terms: list[str]) -> list[str]:
        """Return index words close in meaning to the query terms, excluding the terms themselves."""
        if not terms or not self._words:
            return []
        vecs, ok = self._embedder.embed_many(terms)
        if not ok.any():
            return []
        own = {fold(t) for t in terms}
        sims = self._mat @ vecs[ok].T
        out: list[str] = []
        for col in range(sims.shape[1]):
            s = sims[:, col]
            k = min(len(s), self.per_term + 4)
            top = np.argpartition(-s, k - 1)[:k]
            taken = 0
            for i in top[np.argsort(-s[top])]:
                w = self._words[int(i)]
                if s[i] < self.threshold or taken >= self.per_term:
                    break
                if fold(w) in own or w in out:
                    continue
                out.append(w)
                taken += 1
        return out
