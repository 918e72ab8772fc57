"""Static multilingual sentence embeddings: a lookup table distilled from USE multilingual v3.

The table (``data/static_use_m3.npz`` + ``data/static_use_m3_vocab.json``) is produced once by
``scripts/build_search_model.py``. At run time a text is lower-cased, split into words, each word is cut into
the teacher's SentencePiece pieces by a unigram Viterbi search, and the text vector is the normalised mean of
the pieces' (already SIF-weighted) vectors. Pure numpy; loading takes well under a second.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+[^\W\d_]+", re.UNICODE)
_SPACE = "▁"
MODEL_NAME = "static_use_m3"


def words(text: str) -> list[str]:
    """Split text into lower-cased, NFKC-normalised word tokens (letters, no bare numbers)."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).lower())


class StaticEmbedder:
    """Embed texts with a static piece table; thread-safe for reading."""

    def __init__(
        self, vectors: npt.NDArray[np.int8], scales: FloatArray, log_probs: FloatArray, pieces: list[str]
    ) -> None:
        """Wrap a quantised table; use :func:`load_embedder` to get the shipped one."""
        self._vectors = vectors
        self._scales = scales.astype(np.float32)
        self._log_probs = log_probs.astype(np.float64)
        self._index = {p: i for i, p in enumerate(pieces)}
        self._max_len = max(len(p) for p in pieces)
        self.dim = int(vectors.shape[1])
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, ...]] = {}
        self._unk_penalty = float(self._log_probs.min()) - 10.0

    def pieces_of(self, word: str) -> tuple[int, ...]:
        """Return the piece ids of one normalised word (unigram Viterbi; unknown characters are dropped)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        s = _SPACE + word
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(-1, -1)] * (n + 1)
        best[0] = 0.0
        index, lp, max_len = self._index, self._log_probs, self._max_len
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            matched = False
            for j in range(i + 1, min(n, i + max_len) + 1):
                pid = index.get(s[i:j])
                if pid is not None:
                    matched = True
                    score = base + lp[pid]
                    if score > best[j]:
                        best[j] = score
                        back[j] = (i, pid)
            if not matched or best[i + 1] <= -1e29:
                score = base + self._unk_penalty
                if score > best[i + 1]:
                    best[i + 1] = score
                    back[i + 1] = (i, -1)
        ids: list[int] = []
        pos = n
        while pos > 0:
            start, pid = back[pos]
            if pid >= 0:
                ids.append(pid)
            pos = start
        result = tuple(reversed(ids))
        with self._lock:
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[word] = result
        return result

    def piece_ids(self, text: str) -> list[int]:
        """Return the piece ids of a whole text."""
        out: list[int] = []
        for w in words(text):
            out.extend(self.pieces_of(w))
        return out

    def embed(self, text: str) -> FloatArray | None:
        """Return the unit vector of a text, or None when no piece of it is known (empty, unknown script)."""
        ids = self.piece_ids(text)
        if not ids:
            return None
        arr = np.asarray(ids, dtype=np.int64)
        v = (self._vectors[arr].astype(np.float32) * self._scales[arr, None]).sum(axis=0)
        norm = float(np.linalg.norm(v))
        if not np.isfinite(norm) or norm == 0.0:
            return None
        out: FloatArray = (v / norm).astype(np.float32)
        return out

    def embed_many(self, texts: list[str]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Embed several texts; returns (matrix, ok) where rows with ok=False are zero vectors."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        ok = np.zeros(len(texts), dtype=bool)
        for i, t in enumerate(texts):
            v = self.embed(t)
            if v is not None:
                out[i] = v
                ok[i] = True
        return out, ok


def _data_dir() -> Path:
    return Path(str(resources.files("citydip.practices.search") / "data"))


def load_embedder(directory: Path | None = None, name: str = MODEL_NAME) -> StaticEmbedder:
    """Load the shipped static model (or one from `directory`); raise FileNotFoundError naming the file."""
    base = directory or _data_dir()
    npz_path = base / f"{name}.npz"
    vocab_path = base / f"{name}_vocab.json"
    for p in (npz_path, vocab_path):
        if not p.is_file():
            raise FileNotFoundError(
                f"search model file missing: {p} (rebuild with scripts/build_search_model.py)"
            )
    with np.load(npz_path) as z:
        vectors = z["vectors"]
        scales = z["scales"]
        log_probs = z["log_probs"]
    meta = json.loads(vocab_path.read_text(encoding="utf-8"))
    pieces: list[str] = meta["pieces"]
    if len(pieces) != vectors.shape[0]:
        raise ValueError(f"{vocab_path}: {len(pieces)} pieces but {vectors.shape[0]} vectors in {npz_path}")
    return StaticEmbedder(vectors, scales, log_probs, pieces)


@lru_cache(maxsize=1)
def default_embedder() -> StaticEmbedder:
    """Return the process-wide shipped embedder (loaded once)."""
    return load_embedder()
