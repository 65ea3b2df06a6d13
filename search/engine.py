"""The search side of one home folder, in one object for the facade.

:class:`SearchEngine` ties the pieces together: the tables (FTS5 terms,
vectors), the embedding model of the home folder, the FAISS cache and the
document-vector cache. It holds no connection: every call takes the store's
connection of the calling thread, so it works with ``Store.conn`` and inside
``Store.transaction()``.

The model is chosen per home folder: the first ingest stores vectors made by
``Settings.model``; from then on the stored vectors name the model, and the
engine embeds queries and new passages with that one (a different
``Settings.model`` is ignored with a log line, because vectors of two models
cannot be compared). :meth:`SearchEngine.reembed` switches a home folder to
another model.

Example:
    >>> engine = SearchEngine.open(store.conn, Path(".fieldnotes"), Settings())
    >>> hooks = Hooks(..., embed=engine.embed_passages, write_search=engine.write)
    >>> engine.search(store.conn, "ธนาคารชุมชนเกิดจากกองทุนหมู่บ้าน", k=5)
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from fieldnotes.settings import Settings
from search.bm25 import check_bm25, ensure_bm25, rebuild_bm25
from search.bm25_index import BM25Index, ensure_bm25_log
from search.embed import Embedder, load_embedder
from search.hybrid import search as _search
from search.models import Hit, SimilarDoc
from search.similar import DocVectors, similar as _similar
from search.sparse import SparseIndex, ensure_sparse, has_sparse, write_sparse
from search.vectors import VectorIndex, ensure_vectors, index_model, write_vectors

__all__ = ["SearchEngine", "ensure_schema"]

log = logging.getLogger("fieldnotes.search")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the search tables (FTS5 over ``tokens``, ``vectors``, ``sparse_vectors``) and triggers.

    Idempotent; safe inside the caller's transaction. Terms stored before the
    FTS5 table existed are indexed on creation.
    """
    ensure_bm25(conn)
    ensure_bm25_log(conn)
    ensure_vectors(conn)
    ensure_sparse(conn)


class SearchEngine:
    """Search, similar cases and index upkeep for one home folder.

    Args:
        home: the home folder (for the FAISS cache); ``None`` keeps it in memory.
        settings: mode, fusion weights, exact-index size, threads.
        model: the model spec to use; by default the home folder's own (see
            :meth:`open`), else ``settings.model``.
    """

    def __init__(self, home: Path | None, settings: Settings, *, model: str | None = None) -> None:
        self.home = None if home is None else Path(home)
        self.settings = settings
        self.model = model or settings.model
        self.index = VectorIndex(self.home, exact_max=settings.exact_index_max)
        self.docs = DocVectors(self.index)
        self.sparse = SparseIndex()
        self.terms = BM25Index(self.home)
        self._embedder: Embedder | None = None
        self._lock = threading.Lock()
        # Sparse features computed with the dense vectors of a batch, waiting for
        # write(): the ingest pipeline hands write() the chunks, not the features.
        self._pending_sparse: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def open(
        cls, conn: sqlite3.Connection, home: Path | None, settings: Settings, *, readonly: bool = False
    ) -> "SearchEngine":
        """An engine for the store behind ``conn``: tables created, model resolved."""
        if not readonly:
            ensure_schema(conn)
        stored = index_model(conn)
        if stored is not None and stored != settings.model:
            log.info("home folder %s uses model %r (settings say %r); using %r",
                     home, stored, settings.model, stored)
        return cls(home, settings, model=stored or settings.model)

    # -- model -----------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use)."""
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.model, threads=self.settings.threads)
            return self._embedder

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors for the ingest pipeline (``Hooks.embed``).

        With a model that has a sparse head, the passages' sparse features are
        computed too and kept until :meth:`write` stores them.
        """
        items = list(texts)
        emb = self.embedder
        vecs = emb.embed_passages(items)
        if emb.has_sparse:
            rows = emb.embed_sparse_passages(items)
            with self._lock:
                if len(self._pending_sparse) > 50_000:  # written or abandoned batches
                    self._pending_sparse.clear()
                self._pending_sparse.update(zip(items, rows))
        return vecs

    def count_tokens(self, text: str) -> int:
        """Model tokens of ``text``, for chunk sizing."""
        return self.embedder.count_tokens(text)

    # -- writing ---------------------------------------------------------------------

    def write(
        self,
        conn: sqlite3.Connection,
        rowids: Sequence[int],
        chunks: Sequence[object],
        terms: Sequence[Sequence[str]],
        vectors: np.ndarray | None,
    ) -> None:
        """Write a document's search rows inside its transaction (``Hooks.write_search``).

        The terms are already in ``tokens`` (``Store.put_terms``) and reach the
        FTS5 index through its triggers; this stores the vectors (and the
        sparse features, when the model has them).
        """
        if vectors is None or not len(rowids):
            return
        emb = self.embedder
        write_vectors(conn, rowids, vectors, emb.name)
        if emb.has_sparse:
            texts = [getattr(c, "text", None) for c in chunks]
            with self._lock:
                rows = [self._pending_sparse.pop(t, None) if t is not None else None for t in texts]
            missing = [i for i, r in enumerate(rows) if r is None and texts[i] is not None]
            if missing:
                for i, r in zip(missing, emb.embed_sparse_passages([texts[i] for i in missing])):
                    rows[i] = r
            keep = [(rid, r) for rid, r in zip(rowids, rows) if r is not None]
            write_sparse(conn, [rid for rid, _ in keep], [r for _, r in keep])

    def reembed(
        self,
        conn: sqlite3.Connection,
        model: str,
        *,
        batch: int = 64,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Re-embed every chunk with ``model`` and make it the home folder's model.

        Each batch is its own transaction; the old vectors are removed first.

        Returns:
            The number of chunks embedded.
        """
        emb = load_embedder(model, threads=self.settings.threads)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM vectors")
            conn.execute("DELETE FROM sparse_vectors")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        with self._lock:
            self.model, self._embedder = emb.name, emb
        ids = [r[0] for r in conn.execute("SELECT id FROM chunks ORDER BY id")]
        done = 0
        for i in range(0, len(ids), batch):
            part = ids[i : i + batch]
            marks = ",".join("?" * len(part))
            rows = conn.execute(f"SELECT id, text FROM chunks WHERE id IN ({marks}) ORDER BY id", part).fetchall()
            texts = [r[1] for r in rows]
            vecs = emb.embed_passages(texts)
            sparse = emb.embed_sparse_passages(texts) if emb.has_sparse else None
            conn.execute("BEGIN IMMEDIATE")
            try:
                write_vectors(conn, [r[0] for r in rows], vecs, emb.name)
                if sparse is not None:
                    write_sparse(conn, [r[0] for r in rows], sparse)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            done += len(rows)
            if progress:
                progress(done, len(ids))
        self.index.sync(conn)
        return done

    # -- reading ---------------------------------------------------------------------

    def sync(self, conn: sqlite3.Connection) -> str:
        """Bring the FAISS cache and the BM25 snapshot in line with the tables and
        save them (after an ingest). Returns what happened to the FAISS cache."""
        self.terms.sync(conn)
        return self.index.sync(conn)

    def search(
        self, conn: sqlite3.Connection, query: str, *, k: int = 10, mode: str | None = None
    ) -> list[Hit]:
        """Search passages; ``mode`` defaults to ``Settings.search_mode`` (hybrid).

        Raises:
            InputError: empty query, unknown mode, bad ``k``.
            ModelError: the model cannot be loaded.
        """
        mode = mode or self.settings.search_mode
        needs_model = mode in ("dense", "hybrid")
        if needs_model and index_model(conn) is None:
            # Nothing embedded (e.g. a store ingested without a model): BM25 only.
            needs_model = False
            if mode == "dense":
                return []
            mode = "bm25" if mode == "hybrid" else mode
        embedder = self.embedder if needs_model else None
        use_sparse = (
            mode == "hybrid" and embedder is not None and embedder.has_sparse and has_sparse(conn)
        )
        return _search(
            conn,
            query,
            embedder=embedder,
            index=self.index if needs_model else None,
            mode=mode,
            k=k,
            weight_dense=self.settings.hybrid_weight_dense,
            rrf_k=self.settings.rrf_k,
            fusion=self.settings.hybrid_fusion,
            sparse=self.sparse if use_sparse else None,
            weight_sparse=self.settings.hybrid_weight_sparse,
            terms=self.terms,
            phrases=self.expansion(query).terms if mode != "dense" else (),
        )

    def expansion(self, query: str):  # type: ignore[no-untyped-def]
        """What :meth:`search` adds to the query's BM25 terms
        (:class:`graph.expansion.Expansion`; empty when ``Settings.query_expansion``
        is off or the query names no practice)."""
        from graph.expansion import Expansion, expand_query

        if not self.settings.query_expansion:
            return Expansion()
        return expand_query(query)

    def similar(self, conn: sqlite3.Connection, doc_id: str, *, k: int = 5) -> list[SimilarDoc]:
        """The documents nearest to ``doc_id``, itself and its duplicates excluded."""
        return _similar(conn, self.index, doc_id, k, cache=self.docs)

    def check(self, conn: sqlite3.Connection, *, repair: bool = False) -> dict[str, object]:
        """Whether the search indexes agree with the store.

        Returns:
            ``{"bm25_ok", "bm25_snapshot", "chunks", "vectors", "missing_vectors", "index_size",
            "model", "ok"}``; with ``repair`` the FTS5 index is rebuilt if needed.
        """
        bm25_ok = check_bm25(conn)
        if not bm25_ok and repair:
            rebuild_bm25(conn)
            bm25_ok = check_bm25(conn)
        chunks = int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
        vectors = int(conn.execute("SELECT count(*) FROM vectors").fetchone()[0])
        sparse = int(conn.execute("SELECT count(*) FROM sparse_vectors").fetchone()[0])
        missing = int(
            conn.execute(
                "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id)"
            ).fetchone()[0]
        )
        self.index.sync(conn)
        snapshot = self.terms.sync(conn)
        ok = bm25_ok and self.index.size == vectors and (vectors == 0 or missing == 0)
        return {
            "bm25_ok": bm25_ok,
            "bm25_snapshot": snapshot,
            "chunks": chunks,
            "vectors": vectors,
            "sparse_vectors": sparse,
            "missing_vectors": missing,
            "index_size": self.index.size,
            "model": index_model(conn),
            "ok": ok,
        }

    def __repr__(self) -> str:
        return f"<SearchEngine home={self.home} model={self.model!r}>"
