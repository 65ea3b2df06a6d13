"""Search modes and their fusion: ``bm25``, ``dense`` and ``hybrid`` (the default).

Hybrid ranking takes the top :data:`DEPTH` chunks of each ranking (dense
vector, Thai BM25 and, when the model has one, e5's sparse latent terms) and
fuses them (``Settings.hybrid_fusion``):

* ``zscore`` (default): each ranking's scores are standardised over its own
  top list (mean 0, deviation 1; a chunk missing from a list gets that list's
  lowest value) and summed with weights ``w`` (dense), ``1 - w`` (BM25) and
  ``Settings.hybrid_weight_sparse``. Standardising puts a cosine of 0.85 and
  a BM25 of 14.2 on one scale, and, unlike ranks, keeps how far ahead a
  ranking's first hit is: on XQuAD-th it beats reciprocal-rank fusion by 1–3
  points of R@1 (``bench/results/search.md``).
* ``rrf``: weighted reciprocal-rank fusion ``w / (k + rank)`` with
  ``k = Settings.rrf_k``.

Every mode returns ``list[Hit]``, with the document's title and source.

Example:
    >>> hits = search(conn, "เครือข่ายกองทุนหมู่บ้านตั้งสถาบันการเงินชุมชน", embedder=emb, index=index)
    >>> hits[0].source
    'corpus/004_83f24860210c5b0e.txt'
"""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np

from fieldnotes.errors import InputError, ModelError
from search.bm25 import bm25_search
from search.bm25_index import BM25Index
from search.embed import Embedder
from search.models import Hit
from search.sparse import SparseIndex
from search.vectors import VectorIndex

__all__ = ["MODES", "FUSIONS", "DEPTH", "search", "fuse_rrf", "fuse_zscore", "dense_search", "hits_for"]

MODES = ("hybrid", "bm25", "dense")
FUSIONS = ("zscore", "rrf")
# Candidates taken from each ranking before fusion (also the sample that the
# z-scores are computed over).
DEPTH = 100


def fuse_rrf(
    rankings: Sequence[tuple[Sequence[int], float]], k: int = 60
) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion of ranked id lists.

    Args:
        rankings: ``(ids best first, weight)`` per ranking.
        k: the RRF constant; larger flattens the difference between ranks.

    Returns:
        ``(id, fused score)``, best first; ties keep the first ranking's order.

    Example:
        >>> fuse_rrf([([1, 2, 3], 0.5), ([3, 1], 0.5)], k=60)[0][0]
        1
    """
    scores: dict[int, float] = {}
    order: dict[int, int] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
            order.setdefault(cid, len(order))
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def fuse_zscore(
    rankings: Sequence[tuple[Sequence[tuple[int, float]], float]]
) -> list[tuple[int, float]]:
    """Weighted sum of per-ranking standardised scores.

    Args:
        rankings: ``(scored list [(id, score)] best first, weight)`` per ranking.

    Returns:
        ``(id, fused score)``, best first; ties keep first-seen order.

    Example:
        >>> fuse_zscore([([(1, 0.9), (2, 0.5)], 0.5), ([(2, 9.0), (3, 1.0)], 0.5)])[0][0]
        2
    """
    fused: dict[int, float] = {}
    order: dict[int, int] = {}
    parts: list[tuple[dict[int, float], float, float]] = []
    for scored, weight in rankings:
        if not scored or weight <= 0:
            continue
        vals = [s for _, s in scored]
        mean = sum(vals) / len(vals)
        sd = (sum((v - mean) ** 2 for v in vals) / len(vals)) ** 0.5
        if sd > 0:
            z = {cid: (s - mean) / sd for cid, s in scored}
            floor = min(z.values())
        else:
            # One hit (or all tied): standardising would give them 0, the same
            # as a chunk the ranking never found. Being found at all is the
            # signal, worth one deviation — e.g. the only passage that holds
            # every word of "สัจจะลดรายจ่ายวันละ 1 บาท".
            z = {cid: 1.0 for cid, _ in scored}
            floor = 0.0
        parts.append((z, weight, floor))
        for cid, _ in scored:
            order.setdefault(cid, len(order))
    for cid in order:
        fused[cid] = sum(w * z.get(cid, floor) for z, w, floor in parts)
    return sorted(fused.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def dense_search(
    conn: sqlite3.Connection,
    query: str,
    embedder: Embedder,
    index: VectorIndex,
    k: int,
    *,
    vector: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """Chunks nearest to the query's embedding: ``(chunk row id, cosine)``.

    ``vector`` is the query's embedding if it is already computed.
    """
    index.sync(conn)
    _check_model(index, embedder)
    return index.search(conn, embedder.embed_query(query) if vector is None else vector, k)


def _check_model(index: VectorIndex, embedder: Embedder) -> None:
    if index.model is not None and index.model != embedder.name:
        raise ModelError(
            f"this home folder was indexed with model {index.model!r}, not {embedder.name!r}; "
            f"search with --model {index.model} (or re-embed the store with the new model)"
        )


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:  # the explorer searches from several threads at once
        if _pool is None:
            _pool = ThreadPoolExecutor(2, thread_name_prefix="fieldnotes-query")
        return _pool


def hits_for(conn: sqlite3.Connection, scored: Sequence[tuple[int, float]]) -> list[Hit]:
    """Turn ``(chunk row id, score)`` pairs into :class:`Hit` objects, same order."""
    ids = [cid for cid, _ in scored]
    rows: dict[int, tuple] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        for r in conn.execute(
            'SELECT c.id, c.doc_id, c.idx, c.start, c."end", c.text, c.page, d.source, d.title'
            f" FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id IN ({marks})",
            part,
        ):
            rows[int(r[0])] = r
    out: list[Hit] = []
    for cid, score in scored:
        r = rows.get(cid)
        if r is None:  # removed between ranking and lookup
            continue
        out.append(
            Hit(
                doc_id=r[1],
                source=r[7],
                title=r[8],
                chunk_id=f"{r[1]}:{r[2]}",
                start=int(r[3]),
                end=int(r[4]),
                score=float(score),
                text=r[5],
                page=r[6],
            )
        )
    return out


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    embedder: Embedder | None,
    index: VectorIndex | None,
    mode: str = "hybrid",
    k: int = 10,
    weight_dense: float = 0.5,
    rrf_k: int = 60,
    fusion: str = "zscore",
    sparse: SparseIndex | None = None,
    weight_sparse: float = 0.0,
    terms: BM25Index | None = None,
    phrases: Sequence[str] = (),
) -> list[Hit]:
    """Search the store's chunks.

    Args:
        conn: the store's connection.
        query: Thai or English text.
        embedder: the home folder's model (needed by ``dense`` and ``hybrid``).
        index: the home folder's vector index (same).
        mode: ``"hybrid"``, ``"bm25"`` or ``"dense"``.
        k: number of hits.
        weight_dense: weight of the dense ranking in hybrid fusion (BM25: ``1 - w``),
            times the model's ``fusion_trust``.
        rrf_k: the RRF constant.
        fusion: ``"zscore"`` or ``"rrf"``.
        sparse: the sparse index, to add the model's latent-term ranking.
        weight_sparse: its weight (0 leaves it out).
        terms: the in-memory BM25 snapshot; without it BM25 reads FTS5 (same
            scores, slower on long queries).
        phrases: more BM25 terms, each matched whole, such as the Thai labels
            of practices the query names in English (``graph.expansion``). The
            dense and sparse rankings read the query as typed.

    Returns:
        At most ``k`` hits, best first.

    Raises:
        InputError: empty query, unknown mode or fusion, ``k`` below 1.
        ModelError: the model is not the one that made the index.
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError("the query is empty: type a few words to search for")
    if mode not in MODES:
        raise InputError(f"unknown search mode {mode!r}; use one of: {', '.join(MODES)}")
    if fusion not in FUSIONS:
        raise InputError(f"unknown fusion {fusion!r}; use one of: {', '.join(FUSIONS)}")
    if not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a whole number of hits, at least 1 (got {k!r})")
    if mode != "bm25" and (embedder is None or index is None):
        raise ModelError(f"search mode {mode!r} needs an embedding model; use --mode bm25")
    def lexical(n: int) -> list[tuple[int, float]]:
        if terms is not None:
            return terms.search(conn, query, n, phrases=phrases)
        return bm25_search(conn, query, n, phrases=phrases)

    if mode == "bm25":
        return hits_for(conn, lexical(k))
    if mode == "dense":
        return hits_for(conn, dense_search(conn, query, embedder, index, k))  # type: ignore[arg-type]
    depth = max(DEPTH, k)
    trust = embedder.fusion_trust if embedder is not None else 1.0
    use_sparse = sparse is not None and weight_sparse > 0 and embedder is not None and embedder.has_sparse
    # The dense side (embed the query, then FAISS) and the sparse side (latent
    # terms from a second engine handle, then the inverted index) each run in
    # a thread of their own while BM25 runs here; the model and FAISS release
    # the GIL, so on two cores a query costs about its slowest side, not the
    # sum (e5-small at 58,630 passages: 73 → 63 ms for 6–12-word queries).
    # The indexes are synced here first: the SQLite connection stays in this thread.
    index.sync(conn)  # type: ignore[union-attr]
    _check_model(index, embedder)  # type: ignore[arg-type]
    if use_sparse:
        sparse.sync(conn)  # type: ignore[union-attr]
    pool = _background()
    dense = pool.submit(lambda: index.nearest(embedder.embed_query(query), depth))  # type: ignore[union-attr]
    latent = (pool.submit(lambda: sparse.nearest(embedder.embed_sparse_query(query), depth))  # type: ignore[union-attr]
              if use_sparse else None)
    bm25 = lexical(depth)
    rankings = [(dense.result(), weight_dense * trust), (bm25, 1.0 - weight_dense)]
    if latent is not None:
        rankings.append((latent.result(), weight_sparse))
    if fusion == "rrf":
        fused = fuse_rrf([([c for c, _ in r], w) for r, w in rankings], k=rrf_k)
    else:
        fused = fuse_zscore(rankings)
    return hits_for(conn, fused[:k])
