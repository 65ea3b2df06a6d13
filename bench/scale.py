"""Ingest and query cost by corpus size: ``python -m bench.scale [--sizes 1000 2000 4000 7941] --json``.

For each size N, the first N files of the corpus (sorted by name) are ingested
into a fresh home folder by the real command, ``fieldnotes ingest --json``, in
a subprocess, so that each run's memory is its own. Recorded per size:

- wall time of the command, its per-stage ``seconds`` and ``workers`` (from the
  ingest report), its CPU time (user + system, prepare workers included);
- documents, passages, duplicates, failures, and the home folder's size;
- peak memory: the largest single process (``ru_maxrss`` from ``wait4``) and the
  whole process tree (the command plus its prepare workers), sampled from
  ``/proc`` every 0.2 s;
- the knowledge-graph rebuild that ends the ingest (it runs inside the command
  and is not in the report's ``seconds``): its stages, quads and entities, from
  the generation's ``meta.json``;
- query latency on that home through the facade, p50/p95: ``search`` (hybrid),
  ``similar`` (with the shared entities) and ``who`` (themes from the scheme);
  queries are cut from random passages (:func:`bench.speed.sample_queries`).

Results are merged, keyed by size, model and workers, into
``bench/results/scale.json`` with the load average and CPU count (the machine
is shared: figures taken under load are slower than on an idle one).

Example:
    python -m bench.scale --corpus ../shared/corpora/thaigov-community --sizes 50 100 --json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from bench.graph import _merge
from bench.speed import _files, _pcts, sample_queries

__all__ = ["ingest_run", "query_costs", "tree_rss_kb", "main"]

RESULTS = Path(__file__).parent / "results"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "thaigov-community"
# The practice themes `who` is asked about (as in bench/graph.py's query set).
_THEMES_Q = (
    'SELECT ?c ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l FILTER(lang(?l) = "th") }'
)


def _proc_children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name (field 2) may hold spaces and parentheses: split after it.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux ``/proc``)."""
    kids = _proc_children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(kids.get(pid, ()))
    return total


def _linked_folder(files: Sequence[Path], folder: Path) -> Path:
    # Symbolic links, not copies: the ingest reads the corpus files themselves,
    # and the walk (sorted by name) meets them in the same order.
    # The number prefix keeps the corpus order and tells apart equal names of subfolders.
    folder.mkdir(parents=True)
    for i, f in enumerate(files):
        (folder / f"{i:05d}_{f.name}").symlink_to(f.resolve())
    return folder


def ingest_run(
    folder: Path, home: Path, model: str, *, workers: int | None = None, sample_s: float = 0.2
) -> dict[str, Any]:
    """Run ``fieldnotes ingest --json`` on ``folder`` into ``home``; time and measure it.

    Returns:
        ``{"wall_s", "cpu_s", "peak_rss_mb", "peak_tree_rss_mb", "returncode", "report", "stderr"}``.
    """
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", HF_HUB_OFFLINE="1")
    env.pop("FIELDNOTES_HOME", None)
    if workers is not None:
        env["FIELDNOTES_WORKERS"] = str(workers)
    cmd = [sys.executable, "-m", "fieldnotes.cli", "ingest", "--json",
           "--home", str(home), "--model", model, str(folder)]
    out, err = home.parent / f"{home.name}.out.json", home.parent / f"{home.name}.err"
    peak_tree = 0
    done = threading.Event()
    t = time.perf_counter()
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen(cmd, env=env, stdout=fo, stderr=fe)

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, tree_rss_kb(proc.pid))
            done.wait(sample_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4 gives this child's own peak (and its reaped workers'), not the
    # maximum over every child this process ever had (RUSAGE_CHILDREN).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    text = out.read_text("utf-8")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(peak_tree / 1024, 1),
        "returncode": proc.returncode,
        "report": json.loads(text) if text.strip() else None,
        "stderr": err.read_text("utf-8")[-2000:],
    }


def _graph_meta(home: Path) -> dict[str, Any] | None:
    root = home / "graph"
    try:
        gen = (root / "CURRENT").read_text("utf-8").strip()
        meta = json.loads((root / gen / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    sec = meta.get("seconds", {})
    return {
        "rebuild_s": round(sum(v for k, v in sec.items() if k != "cpu_after_read"), 2),
        "seconds": sec,
        **{k: meta.get(k) for k in ("documents", "mentions", "entities", "relations", "quads",
                                    "nodes", "edges")},
    }


def _timed(fn: Callable[[Any], object], items: Sequence[Any]) -> dict[str, float]:
    times = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t)
    return _pcts(times) if times else {"n": 0}


def query_costs(home: Path, *, n_queries: int = 50, seed: int = 7) -> dict[str, Any]:
    """p50/p95 ms of search (hybrid), similar and who through the facade on ``home``.

    The first call of each (model load, FAISS load, document-vector cache,
    graph open) is reported apart as ``first_ms``.
    """
    from fieldnotes.kb import KnowledgeBase

    kb = KnowledgeBase(home, readonly=True)
    try:
        rng = random.Random(seed)
        queries = sample_queries(kb.store, n_queries, seed=seed)
        out: dict[str, Any] = {}
        try:
            themes = sorted({str(r["l"]) for r in kb.sparql(_THEMES_Q)})
        except Exception:  # noqa: BLE001 - no graph yet: the who row below says so
            themes = []
        if themes:
            # What a facilitator types: a theme's name (3–5 Thai words), next to
            # the 6–12-word passage cuts above, which cost BM25 far more.
            kb.search(themes[0], k=10, mode="hybrid")
            out["search_hybrid_theme_names"] = _timed(
                lambda q: kb.search(q, k=10, mode="hybrid"), themes[:n_queries])
        if queries:
            t = time.perf_counter()
            kb.search(queries[0], k=10, mode="hybrid")
            first = (time.perf_counter() - t) * 1000
            out["search_hybrid"] = _timed(lambda q: kb.search(q, k=10, mode="hybrid"), queries) | {
                "first_ms": round(first, 1)}
        if queries:
            out["bm25_compare"] = _bm25_compare(kb, queries)
        docs = kb.store.doc_ids()
        if docs:
            t = time.perf_counter()
            kb.similar(docs[0], k=5)
            first = (time.perf_counter() - t) * 1000
            sample = rng.sample(docs, min(n_queries, len(docs)))
            out["similar"] = _timed(lambda d: kb.similar(d, k=5), sample) | {
                "first_ms": round(first, 1)}
        try:
            themes = sorted({str(r["l"]) for r in kb.sparql(_THEMES_Q)})[:20]
        except Exception as exc:  # noqa: BLE001 - no graph (nothing extracted): say so
            out["who"] = {"n": 0, "error": f"{type(exc).__name__}: {exc}"}
        else:
            t = time.perf_counter()
            if themes:
                kb.who(themes[0], k=10)
            first = (time.perf_counter() - t) * 1000
            out["who"] = _timed(lambda th: kb.who(th, k=10), themes) | {"first_ms": round(first, 1)}
        return out
    finally:
        kb.close()


def _bm25_compare(kb: Any, queries: Sequence[str], depth: int = 100) -> dict[str, Any]:
    """FTS5 against the in-memory snapshot on the same queries, in one run.

    Both at hybrid's depth; ``top1_agree`` counts queries whose first passage
    is the same.
    """
    from search.bm25 import bm25_search

    conn, terms = kb.store.conn, kb.search_engine.terms
    t = time.perf_counter()
    how = terms.sync(conn)
    ready = round((time.perf_counter() - t) * 1000, 1)
    fts = _timed(lambda q: bm25_search(conn, q, depth), queries)
    mem = _timed(lambda q: terms.search(conn, q, depth), queries)
    agree = sum(
        (a[:1] == b[:1])
        for a, b in (([r for r, _ in bm25_search(conn, q, 1)], [r for r, _ in terms.search(conn, q, 1)]) for q in queries)
    )
    return {
        "snapshot": how, "snapshot_ready_ms": ready, "answered_by": terms.last_source,
        "fts5": fts, "memory": mem,
        "speedup_p50": round(fts["p50_ms"] / max(mem["p50_ms"], 1e-3), 1),
        "top1_agree": f"{agree}/{len(queries)}",
    }


def _du_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return round(total / 1e6, 1)


def run_size(
    files: Sequence[Path], size: int, work: Path, model: str, *, workers: int | None,
    n_queries: int, log: Callable[[str], None],
) -> dict[str, Any]:
    """Ingest the first ``size`` files into a fresh home and measure it (one result record)."""
    chosen = list(files[:size])
    folder = _linked_folder(chosen, work / f"files-{size}")
    home = work / f"home-{size}"
    log(f"[{size}] ingesting {len(chosen)} files ...")
    run = ingest_run(folder, home, model, workers=workers)
    report = run.pop("report") or {}
    stderr = run.pop("stderr")
    result: dict[str, Any] = {
        "size": size,
        "files": len(chosen),
        "model": model,
        "returncode": run["returncode"],
    }
    if run["returncode"] not in (0, 1) or not report:  # 1: some files failed, still measured
        log(f"[{size}] ingest failed:\n{stderr}")
        return result | run | {"error": stderr}
    store = report.get("store", {})
    result |= {
        "documents": store.get("documents"),
        "chunks": store.get("chunks"),
        "added": report.get("added"),
        "duplicates": len(report.get("duplicates", [])),
        "failed": len(report.get("failed", [])),
        "workers": report.get("workers", 1),
        **run,
        "seconds": report.get("seconds", {}),
        "graph": _graph_meta(home),
        "home_mb": _du_mb(home),
    }
    log(f"[{size}] {result['documents']} documents, {result['chunks']} passages in "
        f"{run['wall_s']} s, peak {run['peak_tree_rss_mb']} MB; querying ...")
    result["query"] = query_costs(home, n_queries=n_queries)
    return result


def _key(size: int, model: str, workers: int | None) -> str:
    key = f"{size}_docs_{model.replace(':', '-').replace('/', '_')}"
    return key if workers is None else f"{key}_workers{workers}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 7941])
    ap.add_argument("--model", default="static", help="embedding model spec (default: static)")
    ap.add_argument("--workers", type=int, default=None,
                    help="FIELDNOTES_WORKERS for the ingest (default: the settings' own)")
    ap.add_argument("--queries", type=int, default=50, help="queries per kind (default 50)")
    ap.add_argument("--out", type=Path, default=RESULTS / "scale.json", help="results file to merge into")
    ap.add_argument("--keep", type=Path, default=None, help="build the homes here and keep them")
    ap.add_argument("--json", action="store_true", help="print one JSON line, no progress")
    ap.add_argument("--requery", action="store_true",
                    help="with --keep: measure only the queries again, on the homes an earlier run kept")
    args = ap.parse_args(argv)
    if args.requery:
        return _requery(args)

    files = _files(args.corpus, None)
    if not files:
        print(f"bench.scale: no files in {args.corpus}", file=sys.stderr)
        return 2
    log = (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr, flush=True))
    work = args.keep or Path(tempfile.mkdtemp(prefix="fieldnotes-scale-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    # Load the model once before the first size, so that every size's first
    # search pays the same (FAISS load, caches) and not the model load too.
    from fieldnotes.settings import Settings
    from search.embed import load_embedder

    t = time.perf_counter()
    load_embedder(args.model, threads=Settings.from_env().threads)
    model_load_s = round(time.perf_counter() - t, 2)
    results: dict[str, Any] = {}
    try:
        for size in dict.fromkeys(min(s, len(files)) for s in args.sizes):
            result = run_size(files, size, work, args.model, workers=args.workers,
                              n_queries=args.queries, log=log)
            result |= {
                "corpus": str(args.corpus),
                "load_average": [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]],
                "cpu_count": os.cpu_count(),
                "model_load_s_in_queries": model_load_s,
                "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            key = _key(size, args.model, args.workers)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            _merge(args.out, key, result)
            results[key] = result
            if not args.keep:  # a 7,941-note home is large; keep the disk free between sizes
                shutil.rmtree(work / f"home-{size}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False, indent=None if args.json else 1))
    return 0 if all("error" not in r for r in results.values()) else 1


def _requery(args: argparse.Namespace) -> int:
    """Re-measure query costs on kept homes (e.g. after a search change), keeping the ingest figures."""
    if args.keep is None:
        print("bench.scale: --requery needs --keep DIR (where an earlier run kept its homes)", file=sys.stderr)
        return 2
    old = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    results: dict[str, Any] = {}
    for size in args.sizes:
        home = args.keep / f"home-{size}"
        key = _key(size, args.model, args.workers)
        if not (home / "store.sqlite").exists():
            print(f"bench.scale: no kept home {home}; run without --requery first", file=sys.stderr)
            return 2
        record = dict(old.get(key, {"size": size, "model": args.model}))
        record["query"] = query_costs(home, n_queries=args.queries)
        record["query_load_average"] = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
        record["query_measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        _merge(args.out, key, record)
        results[key] = record
    print(json.dumps(results, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
