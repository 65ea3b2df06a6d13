"""Passage retrieval benchmark: ``python -m bench.retrieval --data FILE [--mode M] [--model SPEC] --json``.

FILE is SQuAD v1.1 JSON (e.g. ``../shared/benchmarks/xquad-th/xquad.th.json``)
or JSON Lines with ``context`` and ``question`` fields. The pool is the set of
unique contexts; each question must find its own context. Prints, per mode,
``{"mode", "model", "n_questions", "n_passages", "R@1", "MRR@10"}`` (percent)
and merges the numbers into ``bench/results/retrieval.json``.

The product is what is measured: contexts go into a temporary store through
``ingest.store.Store`` and :class:`search.engine.SearchEngine` (same tables,
FTS5 BM25, FAISS, fusion settings) and questions go through
``SearchEngine.search``. Only the embeddings are cached (per model and its weights, under
``--cache``) so re-runs are fast; a cached vector is the embedder's own output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from fieldnotes.settings import Settings
from ingest.models import Chunk, Document
from ingest.store import Store
from search.embed import Embedder, load_embedder
from search.engine import SearchEngine
from search.hybrid import MODES

__all__ = ["load_pairs", "build_store", "evaluate", "main"]

RESULTS = Path(__file__).parent / "results" / "retrieval.json"


def load_pairs(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """Unique contexts and ``(question, index of its context)`` pairs."""
    text = path.read_text("utf-8")
    contexts: list[str] = []
    where: dict[str, int] = {}
    pairs: list[tuple[str, int]] = []

    def ctx_id(c: str) -> int:
        if c not in where:
            where[c] = len(contexts)
            contexts.append(c)
        return where[c]

    if path.suffix == ".jsonl" or not text.lstrip().startswith("{"):
        for line in text.splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((row["question"], ctx_id(row["context"])))
    else:
        for article in json.loads(text)["data"]:
            for para in article["paragraphs"]:
                i = ctx_id(para["context"])
                pairs.extend((qa["question"], i) for qa in para["qas"])
    return contexts, pairs


class _Cached(Embedder):
    """The real embedder, with its outputs for this benchmark kept on disk."""

    def __init__(self, inner: Embedder, cache: Path) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.has_sparse, self.fusion_trust = inner.has_sparse, inner.fusion_trust
        self.cache = cache
        # The model's name is not enough to key the cache: a retrained static
        # model keeps its name. Its vector for a fixed Thai probe is.
        probe = np.round(inner.embed_passages(["กองทุนหมู่บ้านตำบลกะหรอตั้งสถาบันการเงินชุมชน"]), 4)
        self._slug = hashlib.sha1(self.name.encode() + probe.astype(np.float32).tobytes()).hexdigest()[:8]
        self._queries: dict[str, np.ndarray] = {}
        self._sparse_queries: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _file(self, kind: str, texts: Sequence[str]) -> Path:
        digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
        return self.cache / f"{kind}-{self._slug}-{digest}.npy"

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        f = self._file("passages", texts)
        if f.exists():
            return np.load(f)
        vecs = self.inner.embed_passages(texts, batch_size=batch_size)
        f.parent.mkdir(parents=True, exist_ok=True)
        np.save(f, vecs)
        return vecs

    def _sparse_cached(self, kind: str, texts: Sequence[str], make) -> list[tuple[np.ndarray, np.ndarray]]:
        f = self._file(kind, texts).with_suffix(".npz")
        if f.exists():
            with np.load(f) as z:
                idx, val, ptr = z["idx"], z["val"], z["ptr"]
            return [(idx[a:b], val[a:b]) for a, b in zip(ptr[:-1], ptr[1:])]
        rows = make()
        ptr = np.cumsum([0] + [len(r[0]) for r in rows])
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez(f, idx=np.concatenate([r[0] for r in rows]).astype(np.int32),
                 val=np.concatenate([r[1] for r in rows]).astype(np.float32), ptr=ptr)
        return rows

    def embed_sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return self._sparse_cached("sparse-passages", texts, lambda: self.inner.embed_sparse_passages(texts))

    def embed_sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        hit = self._sparse_queries.get(text)
        return hit if hit is not None else self.inner.embed_sparse_query(text)

    def warm_queries(self, questions: Sequence[str]) -> None:
        f = self._file("queries", questions)
        if f.exists():
            vecs = np.load(f)
        else:
            vecs = np.stack([self.inner.embed_query(q) for q in questions])
            f.parent.mkdir(parents=True, exist_ok=True)
            np.save(f, vecs)
        self._queries = dict(zip(questions, vecs))
        if self.has_sparse:
            rows = self._sparse_cached("sparse-queries", questions,
                                       lambda: [self.inner.embed_sparse_query(q) for q in questions])
            self._sparse_queries = dict(zip(questions, rows))

    def embed_query(self, text: str) -> np.ndarray:
        hit = self._queries.get(text)
        return hit if hit is not None else self.inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def build_store(
    home: Path, contexts: Sequence[str], embedder: Embedder | None, settings: Settings
) -> tuple[Store, SearchEngine]:
    """A temporary store holding one document (one chunk) per context."""
    from ingest.tokens import terms

    store = Store(home / "store.sqlite")
    engine = SearchEngine.open(store.conn, home, settings)
    if embedder is not None:
        engine._embedder, engine.model = embedder, embedder.name  # the cached wrapper  # noqa: SLF001
    # Through the engine, as an ingest does (it also computes the sparse features).
    vecs = engine.embed_passages(list(contexts)) if embedder is not None else None
    with store.transaction() as conn:
        for i, ctx in enumerate(contexts):
            did = hashlib.sha1(ctx.encode("utf-8")).hexdigest()[:16]
            chunk = Chunk(did, 0, 0, len(ctx), ctx)
            doc = Document(id=did, source=f"context-{i}", kind="plain", title=f"context {i}", text=ctx)
            rowids = store.put_document(doc, [chunk])
            t = terms(ctx)
            store.put_terms([(rowids[0], t)])
            engine.write(conn, rowids, [chunk], [t], None if vecs is None else vecs[i : i + 1])
    engine.sync(store.conn)
    return store, engine


def evaluate(
    store: Store, engine: SearchEngine, contexts: Sequence[str], pairs: Sequence[tuple[str, int]], mode: str
) -> dict[str, float | int | str]:
    """R@1 and MRR@10 (percent) of ``mode`` over the question/context pairs."""
    by_source = {f"context-{i}": i for i in range(len(contexts))}
    r1 = mrr = 0.0
    t0 = time.perf_counter()
    for question, gold in pairs:
        hits = engine.search(store.conn, question, k=10, mode=mode)
        for rank, h in enumerate(hits, start=1):
            if by_source[h.source] == gold:
                r1 += rank == 1
                mrr += 1.0 / rank
                break
    n = len(pairs)
    return {
        "mode": mode,
        "model": engine.model if mode != "bm25" else "-",
        "n_questions": n,
        "n_passages": len(contexts),
        "R@1": round(100 * r1 / n, 2),
        "MRR@10": round(100 * mrr / n, 2),
        "ms_per_query": round(1000 * (time.perf_counter() - t0) / n, 2),
    }


def _merge(results: list[dict], data: Path, extra: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
    for r in results:
        key = f"{data.name}|{r['model']}|{r['mode']}"
        if extra:
            key += "|" + ",".join(f"{k}={v}" for k, v in sorted(extra.items()))
        old[key] = r | extra
    RESULTS.write_text(json.dumps(old, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="SQuAD v1.1 JSON or JSONL (context, question)")
    ap.add_argument("--mode", default="all", choices=[*MODES, "all"], help="default: all three")
    ap.add_argument("--model", default=None, help="embedding model spec (default: Settings.model)")
    ap.add_argument("--weight", type=float, default=None, help="override Settings.hybrid_weight_dense")
    ap.add_argument("--rrf-k", type=int, default=None, help="override Settings.rrf_k")
    ap.add_argument("--weight-sparse", type=float, default=None, help="override Settings.hybrid_weight_sparse")
    ap.add_argument("--fusion", default=None, choices=["zscore", "rrf"], help="override Settings.hybrid_fusion")
    ap.add_argument("--limit", type=int, default=None, help="first N questions only")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fieldnotes" / "bench")
    ap.add_argument("--no-save", action="store_true", help="do not write bench/results/retrieval.json")
    ap.add_argument("--json", action="store_true", help="print JSON (one object per mode)")
    args = ap.parse_args(argv)

    overrides = {"model": args.model, "hybrid_weight_dense": args.weight, "rrf_k": args.rrf_k,
                 "hybrid_weight_sparse": args.weight_sparse, "hybrid_fusion": args.fusion}
    settings = Settings.from_env(**overrides)
    modes = list(MODES) if args.mode == "all" else [args.mode]
    contexts, pairs = load_pairs(args.data)
    pairs = pairs[: args.limit] if args.limit else pairs
    embedder = None
    if any(m != "bm25" for m in modes):
        embedder = _Cached(load_embedder(settings.model, threads=settings.threads), args.cache)
        embedder.warm_queries([q for q, _ in pairs])
    results = []
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as tmp:
        t0 = time.perf_counter()
        store, engine = build_store(Path(tmp), contexts, embedder, settings)
        build_s = time.perf_counter() - t0
        for mode in modes:
            r = evaluate(store, engine, contexts, pairs, mode)
            if mode == "hybrid":
                r |= {"fusion": settings.hybrid_fusion, "weight_dense": settings.hybrid_weight_dense,
                      "weight_sparse": settings.hybrid_weight_sparse if engine.embedder.has_sparse else 0.0,
                      "dense_trust": engine.embedder.fusion_trust,
                      "rrf_k": settings.rrf_k}
            results.append(r | {"index_seconds": round(build_s, 2)})
        store.close()
    if not args.no_save:
        extra = {k: v for k, v in (("weight", args.weight), ("rrf_k", args.rrf_k), ("limit", args.limit),
                                   ("weight_sparse", args.weight_sparse), ("fusion", args.fusion)) if v is not None}
        _merge(results, args.data, extra)
    for r in results:
        print(json.dumps(r, ensure_ascii=False) if args.json else
              f"{r['mode']:7s} {r['model']:10s} R@1 {r['R@1']:6.2f}  MRR@10 {r['MRR@10']:6.2f}"
              f"  ({r['n_questions']} questions, {r['n_passages']} passages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
