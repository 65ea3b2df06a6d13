"""Similar cases: from one document to its nearest documents.

A document's vector is the normalised mean of its chunk vectors. The matrix of
all document vectors is cached (:class:`DocVectors`) and rebuilt only when the
vector index changes, so a query is one matrix-vector product: well under a
millisecond at 10,000 documents.

A document is never its own neighbour, and neither are its duplicates: a file
with the same content has the same document id already, and a document whose
vector is practically identical (cosine above 0.999: the same note saved with
different whitespace or a changed comment count) is skipped too.

Example:
    >>> [d.title for d in similar(conn, index, "83f24860210c5b0e", k=3)]
"""

from __future__ import annotations

import sqlite3
import threading

import numpy as np

from fieldnotes.errors import InputError, NotFoundError
from search.models import SimilarDoc
from search.vectors import VectorIndex

__all__ = ["DocVectors", "similar", "DUPLICATE_COSINE"]

DUPLICATE_COSINE = 0.999


class DocVectors:
    """Cached document vectors derived from a :class:`VectorIndex`.

    Args:
        index: the chunk vector index of the home folder.
    """

    def __init__(self, index: VectorIndex) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._version = -1
        self.doc_ids: list[str] = []
        self.matrix = np.empty((0, 0), dtype=np.float32)
        self._row: dict[str, int] = {}

    def refresh(self, conn: sqlite3.Connection) -> None:
        """Rebuild the cache if the vector index changed since it was built."""
        self.index.sync(conn)
        with self._lock:
            # Read the version before the vectors: if another thread syncs new
            # vectors in between, the cache is marked older than it is and the
            # next call rebuilds it (the other order would mark it current
            # without the new notes, and similar() would miss them for good).
            version = self.index.version
            if self._version == version:
                return
            ids, vecs = self.index.vectors()
            owner = dict(conn.execute("SELECT id, doc_id FROM chunks"))
            docs = np.array([owner.get(int(c), "") for c in ids], dtype=object)
            keep = docs != ""
            ids, vecs, docs = ids[keep], vecs[keep], docs[keep]
            if len(docs):
                uniq, inverse = np.unique(docs.astype(str), return_inverse=True)
                sums = np.zeros((len(uniq), vecs.shape[1]), dtype=np.float32)
                np.add.at(sums, inverse, vecs)
                sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
                self.doc_ids = [str(u) for u in uniq]
                self.matrix = sums
            else:
                self.doc_ids, self.matrix = [], np.empty((0, vecs.shape[1] if vecs.ndim == 2 else 0), np.float32)
            self._row = {d: i for i, d in enumerate(self.doc_ids)}
            self._version = version

    def vector(self, doc_id: str) -> np.ndarray | None:
        """The document's vector, or ``None`` if it has no embedded chunk."""
        i = self._row.get(doc_id)
        return None if i is None else self.matrix[i]

    def nearest(self, doc_id: str, k: int) -> list[tuple[str, float]]:
        """``(doc id, cosine)`` of the ``k`` nearest other documents, best first."""
        with self._lock:
            i = self._row.get(doc_id)
            if i is None:
                return []
            scores = self.matrix @ self.matrix[i]
            scores[i] = -np.inf
            # Near-identical vectors are the same note under another name.
            scores[scores > DUPLICATE_COSINE] = -np.inf
            n = int(np.isfinite(scores).sum())
            take = min(k, n)
            if take <= 0:
                return []
            top = np.argpartition(-scores, take - 1)[:take]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self.doc_ids[j], float(scores[j])) for j in top]


def similar(
    conn: sqlite3.Connection,
    index: VectorIndex,
    doc_id: str,
    k: int = 5,
    *,
    cache: DocVectors | None = None,
) -> list[SimilarDoc]:
    """The documents most similar to ``doc_id`` (itself and its duplicates excluded).

    Args:
        conn: the store's connection.
        index: the home folder's vector index.
        doc_id: a stored document's id.
        k: how many to return.
        cache: a :class:`DocVectors` to reuse between calls (recommended).

    Raises:
        InputError: ``k`` below 1.
        NotFoundError: no such document, or it has no embedded passage.
    """
    if not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a whole number of documents, at least 1 (got {k!r})")
    if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
        raise NotFoundError(
            f"no document {doc_id!r}: give a document id (see `fieldnotes docs`)"
        )
    docs = cache if cache is not None else DocVectors(index)
    docs.refresh(conn)
    if docs.vector(doc_id) is None:
        raise NotFoundError(
            f"document {doc_id!r} has no embedded passage, so it has no similar cases yet; "
            "ingest it again with an embedding model"
        )
    near = docs.nearest(doc_id, k)
    meta = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT id, source, title FROM documents WHERE id IN ({','.join('?' * len(near))})",
            [d for d, _ in near],
        )
    } if near else {}
    return [
        SimilarDoc(doc_id=d, source=meta[d][0], title=meta[d][1], score=s)
        for d, s in near
        if d in meta
    ]
