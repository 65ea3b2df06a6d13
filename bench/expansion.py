"""Does query expansion from the practice scheme find more passages about the practice?

For every practice of the SKOS scheme the benchmark searches its Thai
prefLabel and its English prefLabel, once with ``Settings.query_expansion``
on and once off, and counts how many of the top ``k`` passages name that
practice or a narrower one (the scheme's own matcher, :func:`find_practices`,
on the passage text). That is precision at ``k`` for "who else works on this
practice", judged by the scheme itself. Practices no passage of the home
names are left out (no passage could count). Latency per search is reported
for both settings.

Usage::

    fieldnotes ingest ../shared/corpora/thaigov-community --home /tmp/thaigov --model static
    python -m bench.expansion --home /tmp/thaigov --model static --name thaigov [--k 10] [--json]

Writes ``bench/results/expansion_<name>.json`` (name: default the home folder's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from fieldnotes.kb import KnowledgeBase
from fieldnotes.settings import Settings
from graph.practices import find_practices, load_scheme

RESULTS = Path(__file__).parent / "results"


def _named(kb: KnowledgeBase, keys: set[str]) -> bool:
    """Whether any passage of the home names one of these practices (the graph's mentions)."""
    sql = "SELECT 1 FROM mentions WHERE type = 'practice' AND key = ? LIMIT 1"
    return any(kb.store.conn.execute(sql, (key,)).fetchone() for key in keys)


def run(home: Path, model: str | None, k: int) -> dict[str, object]:
    """Precision at ``k`` and latency, expansion on and off, per query language."""
    base = Settings.from_env(home=home, model=model)
    kbs = {flag: KnowledgeBase(home, base.replace(query_expansion=flag), readonly=True)
           for flag in (True, False)}
    scheme = load_scheme()
    rows: dict[str, dict[bool, list[float]]] = {"th": {True: [], False: []}, "en": {True: [], False: []}}
    times: dict[bool, list[float]] = {True: [], False: []}
    changed = {"th": 0, "en": 0}
    skipped = 0
    for flag in (True, False):  # warm both (model, FAISS, BM25 snapshot, scheme)
        kbs[flag].search("กองทุนหมู่บ้าน", k=k)
    for concept in scheme.concepts.values():
        wanted = {concept.key, *scheme.descendants(concept.key)}
        if not _named(kbs[True], wanted):
            skipped += 1
            continue
        for lang, query in (("th", concept.label), ("en", concept.label_en)):
            tops = {}
            for flag in (True, False):
                t = time.perf_counter()
                hits = kbs[flag].search(query, k=k)
                times[flag].append(time.perf_counter() - t)
                good = sum(1 for h in hits if any(m.key in wanted for m in find_practices(h.text, scheme)))
                rows[lang][flag].append(good / k)
                tops[flag] = [h.chunk_id for h in hits]
            changed[lang] += tops[True] != tops[False]
    out: dict[str, object] = {"home": str(home), "model": kbs[True].settings.model, "k": k,
                              "practices": len(scheme.concepts) - skipped,
                              "practices_not_in_home": skipped}
    for lang in ("th", "en"):
        out[f"P@{k}_{lang}"] = {
            "expansion": round(100 * statistics.fmean(rows[lang][True]), 2) if rows[lang][True] else None,
            "no_expansion": round(100 * statistics.fmean(rows[lang][False]), 2) if rows[lang][False] else None,
            "queries": len(rows[lang][True]),
            "top_k_changed": changed[lang],
        }
    out["search_ms_p50"] = {
        "expansion": round(1000 * statistics.median(times[True]), 2) if times[True] else None,
        "no_expansion": round(1000 * statistics.median(times[False]), 2) if times[False] else None,
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="an ingested home folder")
    ap.add_argument("--model", default=None, help="the model the home was indexed with")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--name", default=None, help="results file suffix (default: the home folder's name)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if not (args.home / "store.sqlite").is_file():
        print(f"{args.home} is not an ingested home folder (no store.sqlite); "
              "run `fieldnotes ingest` into it first", file=sys.stderr)
        return 2
    result = run(args.home, args.model, args.k)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"expansion_{args.name or args.home.resolve().name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
