"""Search at scale: ``python -m bench.scale_search --home HOME [--target 50000] --json``.

Two measurements, written to ``bench/results/scale_search.json``:

1. **FAISS exact vs HNSW** at ``--target`` vectors (and twice that): build
   time, query time and HNSW recall@10 against the exact answer, for several
   ``efSearch``. The vectors are e5-like: each is a random mix of three real
   e5-small vectors (XQuAD-th passages and questions, or the home's own
   vectors) plus noise, so they keep e5's anisotropy (every pair has a cosine
   around 0.7–0.9), which is what makes approximate search hard.
2. **End to end at ``--target`` chunks**: a copy of HOME (real Thai chunks,
   e.g. the thaigov corpus ingested by ``bench.speed --keep``) padded with
   copies of its documents up to the target, with e5-like vectors and
   sparse rows stored as ``e5-small``; then ``SearchEngine.search`` p50/p95 per mode (the real
   e5-small query embedding included) for passage cuts of 6–12 words and for
   the practice scheme's Thai and English names, and ``SearchEngine.similar`` p50/p95.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from fieldnotes.settings import Settings
from ingest.store import Store
from search.engine import SearchEngine

__all__ = ["e5_like", "faiss_tradeoff", "pad_store", "main"]

RESULTS = Path(__file__).parent / "results" / "scale_search.json"


def _base_vectors(dim: int = 384) -> np.ndarray:
    cache = Path.home() / ".cache" / "fieldnotes" / "bench"
    arrays = [np.load(f) for f in sorted(cache.glob("*.npy"))] if cache.exists() else []
    arrays = [a for a in arrays if a.ndim == 2 and a.shape[1] == dim]
    if arrays and sum(len(a) for a in arrays) >= 200:
        return np.concatenate(arrays).astype(np.float32)
    from search.embed import load_embedder  # no cached benchmark vectors: embed some Thai

    from ingest.tokens import tokenize

    text = (Path(__file__).resolve().parents[1] / "corpus").glob("*.txt")
    words = [w for f in text for w in tokenize(f.read_text("utf-8")) if not w.isspace()]
    pieces = ["".join(words[i : i + 40]) for i in range(0, len(words) - 40, 20)]
    return load_embedder("e5-small").embed_passages(pieces[:400])


def e5_like(n: int, base: np.ndarray, seed: int = 0, noise: float = 0.02) -> np.ndarray:
    """``n`` unit vectors, each a random mix of three base vectors plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), size=(n, 3))
    w = rng.dirichlet([1.0, 1.0, 1.0], size=n).astype(np.float32)
    x = np.einsum("nk,nkd->nd", w, base[idx]) + rng.normal(0, noise, (n, base.shape[1])).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def faiss_tradeoff(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> dict[str, object]:
    """Build and query exact and HNSW indexes over ``vectors``; recall@k of HNSW."""
    import faiss

    from search.vectors import HNSW_EF_CONSTRUCTION, HNSW_M

    ids = np.arange(len(vectors), dtype=np.int64)
    out: dict[str, object] = {"n": len(vectors), "dim": int(vectors.shape[1])}
    t = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    flat.add_with_ids(vectors, ids)
    out["flat_build_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    truth = np.stack([flat.search(q[None], k)[1][0] for q in queries])
    out["flat_query_ms"] = round(1000 * (time.perf_counter() - t) / len(queries), 3)
    inner = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw = faiss.IndexIDMap2(inner)
    t = time.perf_counter()
    hnsw.add_with_ids(vectors, ids)
    out["hnsw_build_s"] = round(time.perf_counter() - t, 2)
    out["hnsw_M"], out["hnsw_efConstruction"] = HNSW_M, HNSW_EF_CONSTRUCTION
    curve = []
    for ef in (32, 64, 96, 128, 256):
        inner.hnsw.efSearch = ef
        t = time.perf_counter()
        got = np.stack([hnsw.search(q[None], k)[1][0] for q in queries])
        ms = 1000 * (time.perf_counter() - t) / len(queries)
        recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(got, truth)])
        curve.append({"efSearch": ef, "recall@10": round(float(recall), 4), "query_ms": round(ms, 3)})
    out["hnsw"] = curve
    return out


def pad_store(src: Path, dst: Path, target: int, base: np.ndarray) -> Store:
    """Copy the store at ``src`` to ``dst``, add document copies up to ``target`` chunks, e5-like vectors."""
    dst.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src / "store.sqlite") as s, sqlite3.connect(dst / "store.sqlite") as d:
        s.backup(d)
    store = Store(dst / "store.sqlite")
    conn = store.conn
    SearchEngine.open(conn, dst, Settings(home=dst))
    with store.transaction():
        conn.execute("DELETE FROM vectors")
    docs = store.doc_ids()
    n, copy = store.count_chunks(), 0
    while n < target:
        copy += 1
        for doc_id in docs:
            if n >= target:
                break
            doc = store.document(doc_id)
            chunks = [c for _, c in store.chunks(doc_id)]
            new_id = hashlib.sha1(f"{doc_id}/{copy}".encode()).hexdigest()[:16]
            from dataclasses import replace

            with store.transaction():
                rowids = store.put_document(replace(doc, id=new_id, source=f"{doc.source}#copy{copy}"),
                                            [replace(c, doc_id=new_id) for c in chunks])
                terms = [r[0] for r in conn.execute(
                    "SELECT terms FROM tokens WHERE chunk_id IN (SELECT id FROM chunks WHERE doc_id = ?) ORDER BY chunk_id",
                    (doc_id,))]
                store.put_terms(list(zip(rowids, [t.split() for t in terms])))
            n += len(chunks)
    ids = [r[0] for r in conn.execute("SELECT id FROM chunks ORDER BY id")]
    vecs = e5_like(len(ids), base, seed=1)
    from search.sparse import write_sparse
    from search.vectors import write_vectors

    with store.transaction():
        write_vectors(conn, ids, vecs, "e5-small")
        write_sparse(conn, ids, _sparse_like(len(ids)))
    return store


def _sparse_like(n: int, seed: int = 2, width: int = 16_384, nnz: int = 256) -> list[tuple[np.ndarray, np.ndarray]]:
    """Sparse rows shaped like e5's latent terms: 256 of 16,384 features, skewed popularity."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, width + 1) ** 0.8
    popularity /= popularity.sum()
    draws = rng.choice(width, size=(n, nnz), p=popularity)
    rows = []
    for row in draws:
        idx = np.unique(row).astype(np.int32)
        rows.append((idx, rng.gamma(2.0, 0.5, size=len(idx)).astype(np.float32)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.scale_search", description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="a home folder with real chunks")
    ap.add_argument("--target", type=int, default=50_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--skip-faiss", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from bench.speed import query_latency, sample_queries, similar_latency

    base = _base_vectors()
    result: dict[str, object] = {"target": args.target, "base_vectors": len(base)}
    if not args.skip_faiss:
        queries = e5_like(200, base, seed=9)
        result["faiss"] = [faiss_tradeoff(e5_like(n, base, seed=3), queries) for n in (args.target, 2 * args.target)]
    with tempfile.TemporaryDirectory(prefix="fieldnotes-scale-") as tmp:
        t = time.perf_counter()
        store = pad_store(args.home, Path(tmp), args.target, base)
        engine = SearchEngine.open(store.conn, Path(tmp), Settings(home=Path(tmp), model="e5-small"))
        result["build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        engine.sync(store.conn)
        result["sync_s"] = round(time.perf_counter() - t, 2)  # FAISS and the BM25 snapshot
        result["chunks"] = store.count_chunks()
        result["documents"] = store.count_documents()
        result["index_kind"] = engine.index.kind
        queries = sample_queries(store, args.queries)
        result["query"] = query_latency(store, engine, queries)
        # What facilitators type: a practice's name, Thai or English (the scheme's prefLabels).
        from graph.practices import load_scheme

        concepts = list(load_scheme().concepts.values())
        result["query_practice_names"] = {
            lang: query_latency(store, engine, [getattr(c, attr) for c in concepts])
            for lang, attr in (("th", "label"), ("en", "label_en"))
        }
        result["similar"] = similar_latency(store, engine, n=args.queries)
        store.close()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
