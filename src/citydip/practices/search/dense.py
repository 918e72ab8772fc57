"""In-memory dense vector index (exact cosine search with numpy) shared by the SQL back-ends."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
CodeArray = npt.NDArray[np.int32]
RowFilter = Callable[[CodeArray, CodeArray], npt.NDArray[np.bool_]]
"""row_filter(groups, visibilities) -> which rows may be returned (vectorised access rules)."""


class DenseMatrix:
    """Unit vectors kept in a growable float32 matrix; exact top-k by one matrix-vector product.

    Each row also carries two small integer codes (the owning group and the visibility) so that access rules
    can be applied to all rows at once with numpy instead of a set of allowed ids.
    """

    def __init__(self, dim: int) -> None:
        """Create an empty index of `dim`-dimensional vectors."""
        self.dim = dim
        self._vecs: FloatArray = np.zeros((1024, dim), dtype=np.float32)
        self._ids: IntArray = np.full(1024, -1, dtype=np.int64)
        self._groups: CodeArray = np.full(1024, -1, dtype=np.int32)
        self._vis: CodeArray = np.full(1024, -1, dtype=np.int32)
        self._row: dict[int, int] = {}
        self._n = 0

    def __len__(self) -> int:
        """Number of live vectors."""
        return len(self._row)

    def load(
        self, ids: IntArray, vecs: FloatArray, groups: CodeArray | None = None, vis: CodeArray | None = None
    ) -> None:
        """Replace the whole content in one go."""
        n = len(ids)
        cap = max(1024, int(n * 1.25))
        self._vecs = np.zeros((cap, self.dim), dtype=np.float32)
        self._ids = np.full(cap, -1, dtype=np.int64)
        self._groups = np.full(cap, -1, dtype=np.int32)
        self._vis = np.full(cap, -1, dtype=np.int32)
        self._vecs[:n] = vecs
        self._ids[:n] = ids
        if groups is not None:
            self._groups[:n] = groups
        if vis is not None:
            self._vis[:n] = vis
        self._row = {int(i): r for r, i in enumerate(ids.tolist())}
        self._n = n

    def upsert(self, doc_id: int, vec: FloatArray | None, group: int = -1, vis: int = -1) -> None:
        """Set the vector (and access codes) of one document; a None vector removes it from dense search."""
        self.remove(doc_id)
        if vec is None:
            return
        if self._n == len(self._ids):
            cap = len(self._ids) * 2
            vecs = np.zeros((cap, self.dim), dtype=np.float32)
            vecs[: self._n] = self._vecs[: self._n]
            ids = np.full(cap, -1, dtype=np.int64)
            ids[: self._n] = self._ids[: self._n]
            groups = np.full(cap, -1, dtype=np.int32)
            groups[: self._n] = self._groups[: self._n]
            viss = np.full(cap, -1, dtype=np.int32)
            viss[: self._n] = self._vis[: self._n]
            self._vecs, self._ids, self._groups, self._vis = vecs, ids, groups, viss
        self._vecs[self._n] = vec
        self._ids[self._n] = doc_id
        self._groups[self._n] = group
        self._vis[self._n] = vis
        self._row[doc_id] = self._n
        self._n += 1

    def remove(self, doc_id: int) -> None:
        """Drop one document's vector if present."""
        r = self._row.pop(doc_id, None)
        if r is not None:
            self._ids[r] = -1
            self._vecs[r] = 0.0

    def vector(self, doc_id: int) -> FloatArray | None:
        """Return the stored vector of one document."""
        r = self._row.get(doc_id)
        return None if r is None else self._vecs[r].copy()

    def top(
        self,
        query: FloatArray,
        k: int,
        allowed: set[int] | None = None,
        exclude: int | None = None,
        row_filter: RowFilter | None = None,
    ) -> list[tuple[int, float]]:
        """Return up to k (id, cosine) pairs, best first, restricted to `allowed` ids and `row_filter`."""
        if self._n == 0 or k <= 0:
            return []
        if row_filter is not None and allowed is None:
            n = self._n
            scores = self._vecs[:n] @ query
            ids = self._ids[:n]
            live = (ids >= 0) & row_filter(self._groups[:n], self._vis[:n])
            if exclude is not None:
                live &= ids != exclude
            return self._best(scores, ids, live, k)
        if allowed is not None:
            rows = np.fromiter((self._row[i] for i in allowed if i in self._row), dtype=np.int64)
            if rows.size == 0:
                return []
            scores = self._vecs[rows] @ query
            ids = self._ids[rows]
            live = ids >= 0
            if row_filter is not None:
                live &= row_filter(self._groups[rows], self._vis[rows])
        else:
            scores = self._vecs[: self._n] @ query
            ids = self._ids[: self._n]
            live = ids >= 0
        if exclude is not None:
            live &= ids != exclude
        return self._best(scores, ids, live, k)

    @staticmethod
    def _best(
        scores: FloatArray, ids: IntArray, live: npt.NDArray[np.bool_], k: int
    ) -> list[tuple[int, float]]:
        scores = np.where(live, scores, -np.inf)
        k = min(k, int(live.sum()))
        if k <= 0:
            return []
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
        return [(int(ids[r]), float(scores[r])) for r in order]
