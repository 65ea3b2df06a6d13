"""Chunk vectors: the ``vectors`` table (truth) and the FAISS index (derived cache).

SQLite holds every vector, so a document's chunks, terms and vectors are
written and removed in one transaction. The FAISS index in the home folder
(``vectors.faiss`` + ``vectors.json``) is only a cache of that table: it is
loaded when its manifest matches the table, extended when rows were only
added, and rebuilt when rows were removed or changed. The table's triggers
keep three counters (``vector_log``: added, removed, changed) so that telling
whether the cache is current costs one tiny query, not a scan.

Up to ``exact_max`` vectors the index is exact (``IndexFlatIP`` on normalised
vectors = cosine); above it, HNSW. Exact search at 50,000 e5-like vectors
takes about 11 ms a query with the one OpenMP thread queries use (HNSW: under
1 ms at recall@10 0.995), but FAISS cannot remove vectors from an HNSW graph,
so every replaced or deleted note would cost a rebuild (13 s at 50,000). The
exact index is therefore kept up to 100,000 (``Settings.exact_index_max``;
measurements in ``bench/results/scale_search.json``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from fieldnotes.errors import InputError, ModelError, StoreError

__all__ = [
    "VECTORS_SCHEMA",
    "ensure_vectors",
    "write_vectors",
    "index_model",
    "vector_counters",
    "sql_statements",
    "VectorIndex",
    "HNSW_M",
    "HNSW_EF_CONSTRUCTION",
    "HNSW_EF_SEARCH",
]

log = logging.getLogger("fieldnotes.search")

VECTORS_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors(
    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vector_log(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO vector_log VALUES('added', 0), ('removed', 0), ('changed', 0);
CREATE TRIGGER IF NOT EXISTS vectors_ai AFTER INSERT ON vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'added';
END;
CREATE TRIGGER IF NOT EXISTS vectors_ad AFTER DELETE ON vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'removed';
END;
CREATE TRIGGER IF NOT EXISTS vectors_au AFTER UPDATE ON vectors BEGIN
    UPDATE vector_log SET value = value + 1 WHERE key = 'changed';
END;
"""

# HNSW graph degree and search breadths (see bench/results/scale_search.json).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def ensure_vectors(conn: sqlite3.Connection) -> None:
    """Create the vectors table, its counters and triggers if missing."""
    for stmt in sql_statements(VECTORS_SCHEMA):
        conn.execute(stmt)


def sql_statements(script: str) -> list[str]:
    """Split a schema script into statements, keeping trigger bodies whole.

    ``executescript`` would do it, but it commits first, and the schema must
    be creatable inside the caller's transaction.
    """
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        stripped = line.strip()
        if stripped.endswith(";") and (not any("BEGIN" in b for b in buf) or stripped == "END;"):
            out.append("\n".join(buf))
            buf = []
    return out


def index_model(conn: sqlite3.Connection) -> str | None:
    """The model that made the stored vectors, or ``None`` when there are none."""
    try:
        row = conn.execute("SELECT model FROM vectors LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def vector_counters(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """``(added, removed, changed)`` since the table was created; rows = added - removed."""
    try:
        rows = dict(conn.execute("SELECT key, value FROM vector_log").fetchall())
    except sqlite3.OperationalError as exc:
        raise StoreError(
            "this store has no vector table yet; open it for writing once so the search "
            f"tables are created ({exc})"
        ) from exc
    return int(rows.get("added", 0)), int(rows.get("removed", 0)), int(rows.get("changed", 0))


def write_vectors(
    conn: sqlite3.Connection, rowids: Sequence[int], vectors: np.ndarray, model: str
) -> None:
    """Store the vectors of chunks, inside the caller's transaction.

    Args:
        conn: the store's connection (in the document's transaction).
        rowids: chunk row ids, as returned by ``Store.put_document``.
        vectors: ``(len(rowids), dim)`` array, L2-normalised.
        model: the embedder's name; every vector of a home folder must come
            from the same model.

    Raises:
        InputError: shapes do not match.
        ModelError: the store already holds vectors of another model or size.
    """
    ids = [int(r) for r in rowids]
    arr = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if arr.ndim != 2 or arr.shape[0] != len(ids):
        raise InputError(
            f"write_vectors got {len(ids)} chunk ids but vectors of shape {arr.shape}; "
            "pass one row per chunk"
        )
    if not ids:
        return
    row = conn.execute("SELECT model, length(vec) FROM vectors LIMIT 1").fetchone()
    if row is not None and (row[0] != model or int(row[1]) != arr.shape[1] * 4):
        raise ModelError(
            f"this home folder's vectors were made by model {row[0]!r} "
            f"({int(row[1]) // 4} dims); cannot add vectors of {model!r} ({arr.shape[1]} dims). "
            f"Ingest with --model {row[0]}, or re-embed the whole store with the new model"
        )
    # Upsert (not INSERT OR REPLACE): a REPLACE deletes without firing the delete
    # trigger, and the FAISS cache would then miss that the row changed.
    conn.executemany(
        "INSERT INTO vectors(chunk_id, model, vec) VALUES(?, ?, ?) ON CONFLICT(chunk_id)"
        " DO UPDATE SET model = excluded.model, vec = excluded.vec",
        [(cid, model, arr[i].tobytes()) for i, cid in enumerate(ids)],
    )


def _read_rows(conn: sqlite3.Connection, dim: int, after: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    sql = "SELECT chunk_id, vec FROM vectors"
    args: tuple[int, ...] = ()
    if after is not None:
        sql += " WHERE chunk_id > ?"
        args = (after,)
    sql += " ORDER BY chunk_id"
    ids: list[int] = []
    chunks: list[bytes] = []
    for cid, blob in conn.execute(sql, args):
        ids.append(int(cid))
        chunks.append(blob)
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty((0, dim), dtype=np.float32)
    mat = np.frombuffer(b"".join(chunks), dtype=np.float32)
    if mat.size != len(ids) * dim:
        raise StoreError(
            f"the vectors table holds rows of mixed sizes (expected {dim} floats each); "
            "re-embed the store"
        )
    return np.asarray(ids, dtype=np.int64), mat.reshape(len(ids), dim)


def _ids_digest(ids: np.ndarray) -> str:
    return hashlib.sha1(np.sort(ids).astype("<i8").tobytes()).hexdigest()


def _omp_threads(n: int) -> None:
    """One OpenMP thread for a single query, all cores (``n = 0``) for building.

    FAISS parallelises one query over OpenMP threads that spin while they wait;
    on two busy cores that made a 58k-vector flat search take 80 ms instead of
    15 (measured on the thaigov home). Building an index is where threads pay.
    """
    import faiss

    faiss.omp_set_num_threads(n if n > 0 else (os.cpu_count() or 1))


class VectorIndex:
    """The FAISS index of a home folder, kept in step with the ``vectors`` table.

    Args:
        home: folder for ``vectors.faiss`` and ``vectors.json``; ``None`` keeps
            the index in memory only.
        exact_max: up to this many vectors the index is exact, above it HNSW.

    Example:
        >>> index = VectorIndex(Path(".fieldnotes"))
        >>> index.sync(store.conn)       # 'loaded', 'appended', 'rebuilt' …
        >>> index.search(store.conn, embedder.embed_query("ธนาคารชุมชน"), 10)
    """

    def __init__(self, home: Path | None, *, exact_max: int = 100_000) -> None:
        self.home = None if home is None else Path(home)
        self.exact_max = int(exact_max)
        self._index = None
        self._state: dict[str, object] | None = None
        self._lock = threading.RLock()
        self.version = 0  # bumps whenever the in-memory index changes

    # -- state -----------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Vectors in the in-memory index."""
        return 0 if self._index is None else int(self._index.ntotal)

    @property
    def model(self) -> str | None:
        """The model of the indexed vectors."""
        return None if self._state is None else self._state.get("model")  # type: ignore[return-value]

    @property
    def kind(self) -> str | None:
        """``"flat"`` (exact) or ``"hnsw"``."""
        return None if self._state is None else self._state.get("kind")  # type: ignore[return-value]

    def _paths(self) -> tuple[Path, Path] | None:
        if self.home is None:
            return None
        return self.home / "vectors.faiss", self.home / "vectors.json"

    # -- sync ------------------------------------------------------------------------

    def sync(self, conn: sqlite3.Connection, *, save: bool = True) -> str:
        """Bring the index in line with the table.

        Returns:
            ``"current"``, ``"loaded"`` (from disk), ``"appended"``, ``"rebuilt"``
            or ``"empty"``.
        """
        with self._lock:
            added, removed, changed = vector_counters(conn)
            want = {"added": added, "removed": removed, "changed": changed}
            st = self._state
            if st is not None and all(st.get(k) == v for k, v in want.items()):
                return "current"
            how = None
            if st is None and self._load(want):
                how = "loaded"
                st = self._state
                if st is not None and all(st.get(k) == v for k, v in want.items()):
                    return how
            model = index_model(conn)
            if model is None:
                self._index, self._state = None, dict(want, model=None, dim=0, kind=None, max_id=-1)
                self.version += 1
                return "empty"
            st = self._state
            if (
                st is not None
                and self._index is not None
                and st.get("model") == model
                and st.get("removed") == removed
                and st.get("changed") == changed
                and self._append(conn, want)
            ):
                how = "appended"
            else:
                self._rebuild(conn, model, want)
                how = "rebuilt"
            self.version += 1
            if save:
                self._save()
            return how

    def _new_index(self, dim: int, n: int):
        import faiss

        if n <= self.exact_max:
            return faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), "flat"
        inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = HNSW_EF_SEARCH
        return faiss.IndexIDMap2(inner), "hnsw"

    def _rebuild(self, conn: sqlite3.Connection, model: str, want: dict[str, int]) -> None:
        row = conn.execute("SELECT length(vec) FROM vectors LIMIT 1").fetchone()
        dim = int(row[0]) // 4
        ids, mat = _read_rows(conn, dim)
        index, kind = self._new_index(dim, len(ids))
        if len(ids):
            _omp_threads(0)
            index.add_with_ids(mat, ids)
        self._index = index
        self._state = dict(
            want, model=model, dim=dim, kind=kind, max_id=int(ids.max()) if len(ids) else -1
        )

    def _append(self, conn: sqlite3.Connection, want: dict[str, int]) -> bool:
        st = self._state
        if st is None or self._index is None:
            return False
        dim = int(st["dim"])  # type: ignore[arg-type]
        ids, mat = _read_rows(conn, dim, after=int(st["max_id"]))  # type: ignore[arg-type]
        expected = want["added"] - want["removed"]
        if self._index.ntotal + len(ids) != expected:
            return False  # rows were added below the highest id: rebuild instead
        if st["kind"] == "flat" and expected > self.exact_max:
            return False  # grown past the exact size: switch to HNSW
        if len(ids):
            _omp_threads(0)
            self._index.add_with_ids(mat, ids)
        self._state = dict(st, **want, max_id=max(int(st["max_id"]), int(ids.max()) if len(ids) else -1))  # type: ignore[arg-type]
        return True

    # -- disk ------------------------------------------------------------------------

    def _load(self, want: dict[str, int]) -> bool:
        paths = self._paths()
        if paths is None or not paths[0].exists() or not paths[1].exists():
            return False
        try:
            import faiss

            manifest = json.loads(paths[1].read_text("utf-8"))
            index = faiss.read_index(str(paths[0]))
            ids = faiss.vector_to_array(index.id_map)
            if int(index.ntotal) != manifest.get("count") or _ids_digest(ids) != manifest.get("ids_sha1"):
                raise ValueError("index file does not match its manifest")
        except Exception as exc:  # a damaged cache is rebuilt, never trusted
            log.warning("ignoring the FAISS cache in %s: %s", self.home, exc)
            return False
        if manifest.get("removed") != want["removed"] or manifest.get("changed") != want["changed"]:
            return False  # rows went away since it was saved: rebuild
        self._index = index
        self._state = {k: manifest[k] for k in ("added", "removed", "changed", "model", "dim", "kind", "max_id")}
        return True

    def _save(self) -> None:
        paths = self._paths()
        if paths is None or self._index is None or self._state is None:
            return
        import faiss

        ids = faiss.vector_to_array(self._index.id_map)
        manifest = dict(self._state, count=int(self._index.ntotal), ids_sha1=_ids_digest(ids))
        try:
            self.home.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            # Write to temporary files, then rename: a reader never sees half an index.
            tmp_index = paths[0].with_name(f".vectors.{os.getpid()}.faiss.tmp")
            tmp_manifest = paths[1].with_name(f".vectors.{os.getpid()}.json.tmp")
            faiss.write_index(self._index, str(tmp_index))
            tmp_manifest.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
            os.replace(tmp_index, paths[0])
            os.replace(tmp_manifest, paths[1])
        except OSError as exc:  # a read-only home still searches, from memory
            log.info("cannot save the FAISS cache in %s: %s", self.home, exc)

    # -- queries ---------------------------------------------------------------------

    def search(self, conn: sqlite3.Connection, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Nearest chunks to a query vector: ``(chunk row id, cosine)``, best first."""
        self.sync(conn)
        return self.nearest(query, k)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """:meth:`search` without the sync: the index as it is, no connection
        needed, so another thread may call it (hybrid search does, right after
        the query is embedded there)."""
        with self._lock:
            if self._index is None or self._index.ntotal == 0 or k <= 0:
                return []
            q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
            if q.shape[1] != self._index.d:
                raise ModelError(
                    f"query vector has {q.shape[1]} dims but the index has {self._index.d} "
                    f"(made by {self.model!r}); search with the same model"
                )
            _omp_threads(1)
            scores, ids = self._index.search(q, min(int(k), int(self._index.ntotal)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """``(chunk row ids, vectors)`` of everything indexed (a copy of the cache)."""
        import faiss

        with self._lock:
            if self._index is None or self._index.ntotal == 0:
                dim = int(self._state["dim"]) if self._state else 0  # type: ignore[arg-type]
                return np.empty(0, dtype=np.int64), np.empty((0, dim), dtype=np.float32)
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            inner = faiss.downcast_index(self._index.index)
            storage = faiss.downcast_index(inner.storage) if hasattr(inner, "storage") else inner
            flat = faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * storage.d)
            mat = np.array(flat, dtype=np.float32).reshape(storage.ntotal, storage.d)
            return ids, mat
