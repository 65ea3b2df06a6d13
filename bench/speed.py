"""Ingest and query speed: ``python -m bench.speed --corpus DIR [--limit N] [--model SPEC] --json``.

Runs the product's stages one after another over a folder of files, into a
fresh home folder, and times each: parse (``ingest.parse.parse_file``), chunk
(``ingest.chunk.chunk_document``), tokenise (``ingest.tokens.terms``), embed
(the model), index (SQLite transactions with FTS5 triggers and vector rows,
then the FAISS index and the in-memory BM25 snapshot). Then it times queries per mode (p50/p95, query
embedding included) and similar cases. Results go to
``bench/results/speed_<corpus>_<model>.json``.

Example:
    python -m bench.speed --corpus ../shared/corpora/thaigov-community --model static --json
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from fieldnotes.settings import Settings
from ingest.store import Store
from search.engine import SearchEngine
from search.hybrid import MODES

__all__ = ["ingest_timed", "query_latency", "similar_latency", "sample_queries", "main"]

RESULTS = Path(__file__).parent / "results"


def _files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    return files[:limit] if limit else files


def ingest_timed(
    files: Sequence[Path], store: Store, engine: SearchEngine, settings: Settings,
    *, log: Callable[[str], None] = lambda m: None,
) -> dict[str, object]:
    """Ingest ``files`` stage by stage; returns seconds per stage and counts."""
    from ingest.chunk import chunk_document
    from ingest.parse import parse_file
    from ingest.tokens import terms

    from ingest.tokens import default_tokenizer

    sec: dict[str, float] = {}
    t = time.perf_counter()
    default_tokenizer()  # loading the dictionary is start-up, not tokenising
    sec["tokenizer_load"] = time.perf_counter() - t
    t = time.perf_counter()
    docs, seen, failed = [], set(), 0
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    for f in files:
        try:
            doc = parse_file(f, str(f), max_bytes=max_bytes)
        except Exception:  # noqa: BLE001 - a bad file is counted, not fatal
            failed += 1
            continue
        if doc.id not in seen:
            seen.add(doc.id)
            docs.append(doc)
    sec["parse"] = time.perf_counter() - t
    log(f"parsed {len(docs)} documents in {sec['parse']:.1f} s")

    t = time.perf_counter()
    chunked = [
        chunk_document(d, max_tokens=settings.chunk_tokens, overlap_sentences=settings.chunk_overlap_sentences)
        for d in docs
    ]
    sec["chunk"] = time.perf_counter() - t
    n_chunks = sum(len(c) for c in chunked)
    log(f"{n_chunks} chunks in {sec['chunk']:.1f} s")

    t = time.perf_counter()
    doc_terms = [[terms(c.text) for c in chunks] for chunks in chunked]
    sec["tokenise"] = time.perf_counter() - t
    log(f"tokenised in {sec['tokenise']:.1f} s")

    t = time.perf_counter()
    texts = [c.text for chunks in chunked for c in chunks]
    vectors = np.empty((len(texts), engine.embedder.dim), dtype=np.float32)
    step = 256
    for i in range(0, len(texts), step):
        vectors[i : i + step] = engine.embed_passages(texts[i : i + step])
        if i and i % (step * 20) == 0:
            log(f"embedded {i}/{len(texts)} ({time.perf_counter() - t:.0f} s)")
    sec["embed"] = time.perf_counter() - t
    log(f"embedded in {sec['embed']:.1f} s")

    t = time.perf_counter()
    offset = 0
    batch = 200  # documents per transaction, as an ingest commits in batches
    for b0 in range(0, len(docs), batch):
        with store.transaction() as conn:
            for doc, chunks, dterms in zip(docs[b0 : b0 + batch], chunked[b0 : b0 + batch], doc_terms[b0 : b0 + batch]):
                rowids = store.put_document(doc, chunks)
                store.put_terms(list(zip(rowids, dterms)))
                engine.write(conn, rowids, chunks, dterms, vectors[offset : offset + len(chunks)])
                offset += len(chunks)
    sec["index_sqlite"] = time.perf_counter() - t
    t = time.perf_counter()
    engine.index.sync(store.conn)
    sec["index_faiss"] = time.perf_counter() - t
    t = time.perf_counter()
    engine.terms.sync(store.conn)
    sec["index_bm25"] = time.perf_counter() - t
    sec["index"] = sec["index_sqlite"] + sec["index_faiss"] + sec["index_bm25"]
    total = sum(sec[k] for k in ("parse", "chunk", "tokenise", "embed", "index"))
    chars = sum(len(d.text) for d in docs)
    return {
        "files": len(files),
        "documents": len(docs),
        "failed": failed,
        "chunks": n_chunks,
        "characters": chars,
        "seconds": {k: round(v, 2) for k, v in sec.items()} | {"total": round(total, 2)},
        "docs_per_s": round(len(docs) / total, 2),
        "chars_per_s": round(chars / total),
        "embed_chunks_per_s": round(n_chunks / max(sec["embed"], 1e-9), 2),
    }


def sample_queries(store: Store, n: int, seed: int = 7) -> list[str]:
    """Short queries cut from random passages (6–12 Thai tokens each)."""
    from ingest.tokens import tokenize

    rng = random.Random(seed)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM chunks")]
    out: list[str] = []
    for cid in rng.sample(ids, min(n * 2, len(ids))):
        text = store.conn.execute("SELECT text FROM chunks WHERE id = ?", (cid,)).fetchone()[0]
        toks = [t for t in tokenize(text) if not t.isspace()]
        if len(toks) < 8:
            continue
        a = rng.randrange(0, max(1, len(toks) - 12))
        out.append("".join(toks[a : a + rng.randint(6, 12)]))
        if len(out) == n:
            break
    return out


def _pcts(times: list[float]) -> dict[str, float]:
    ms = np.array(times) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "n": len(times)}


def query_latency(store: Store, engine: SearchEngine, queries: Sequence[str], k: int = 10) -> dict[str, dict]:
    """p50/p95 milliseconds of ``engine.search`` per mode, query embedding included."""
    out: dict[str, dict] = {}
    for q in queries[:3]:  # warm: model loaded, FAISS synced, pages cached
        for mode in MODES:
            engine.search(store.conn, q, k=k, mode=mode)
    for mode in MODES:
        times = []
        for q in queries:
            t = time.perf_counter()
            engine.search(store.conn, q, k=k, mode=mode)
            times.append(time.perf_counter() - t)
        out[mode] = _pcts(times)
    return out


def similar_latency(store: Store, engine: SearchEngine, n: int = 50, seed: int = 7) -> dict[str, float]:
    """p50/p95 milliseconds of ``engine.similar`` (after the first call builds the cache)."""
    docs = store.doc_ids()
    rng = random.Random(seed)
    t = time.perf_counter()
    engine.similar(store.conn, docs[0], k=5)
    first = time.perf_counter() - t
    times = []
    for d in rng.sample(docs, min(n, len(docs))):
        t = time.perf_counter()
        engine.similar(store.conn, d, k=5)
        times.append(time.perf_counter() - t)
    return _pcts(times) | {"first_call_ms": round(first * 1000, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="first N files only")
    ap.add_argument("--model", default=None, help="embedding model spec (default: Settings.model)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--keep", type=Path, default=None, help="build the home here and keep it")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    home = args.keep or Path(tempfile.mkdtemp(prefix="fieldnotes-speed-"))
    if args.keep and home.exists():
        shutil.rmtree(home)
    settings = Settings.from_env(home=home, model=args.model)
    store = Store(home / "store.sqlite")
    engine = SearchEngine.open(store.conn, home, settings)
    t = time.perf_counter()
    _ = engine.embedder
    load_s = time.perf_counter() - t
    log = (lambda m: None) if args.json else (lambda m: print(m, flush=True))
    result: dict[str, object] = {"corpus": str(args.corpus), "model": engine.model,
                                 "model_load_s": round(load_s, 2)}
    result["ingest"] = ingest_timed(_files(args.corpus, args.limit), store, engine, settings, log=log)
    result["index_kind"] = engine.index.kind
    queries = sample_queries(store, args.queries)
    result["query"] = query_latency(store, engine, queries)
    result["similar"] = similar_latency(store, engine)
    store.close()
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    name = f"speed_{args.corpus.name}_{engine.model.replace(':', '-').replace('/', '_')}"
    if args.limit:
        name += f"_{args.limit}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
