"""Graph benchmark at corpus scale: ``python -m bench.graph --corpus DIR [--limit N] --json``.

Builds a store from a folder of thaigov news files (title, blank line, body,
``ที่มา : url``), fills the ``mentions`` table, rebuilds the knowledge graph
with ``graph.kg.rebuild`` and measures:

- build: time per stage (read, resolve, RDF bulk load, network), quads, entities;
- store choice: Oxigraph (persisted, opened read-only) against rdflib (the same
  N-Quads parsed into a ``Dataset``, which is what "a persisted rdflib file"
  costs at every start), for open time, memory and the actor-themes query;
- queries through ``graph.queries``: themes_of / who / entity / entities, path;
- exports (ttl, nq, jsonld, graphml): time and size;
- betweenness: exact vs sampled time and agreement, to set the threshold.

Mentions come from ``--extract regex`` (default: a quick rule pass — org heads,
titles, acronyms, prefixed provinces/subdistricts, scheme labels — giving real
offsets and a realistic spread of names) or ``--extract real``
(``graph.extract.extract``, the colleagues' extractor, when it exists).

Results are merged, keyed by corpus size, into bench/results/graph_build.json,
graph_store.json and graph_network.json (the load average is recorded: the
machine is shared, and numbers taken under load are slower than on an idle one).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import networkx as nx

from graph import queries
from graph.kg import KG, graph_sources, rebuild
from graph.mentions import install_schema, put_mentions
from graph.models import Mention
from ingest.models import Chunk, Document
from ingest.store import Store

__all__ = ["build_store", "quick_extract", "main"]

RESULTS = Path(__file__).parent / "results"
_THAI_RUN = "[\u0e01-\u0e4e]"
_ORG = re.compile(
    r"(?:กระทรวง|กรม|สำนักงาน|สถาบัน|มหาวิทยาลัย|มูลนิธิ|สมาคม|สหกรณ์|ธนาคาร|เครือข่าย|กลุ่ม)"
    + _THAI_RUN + "{3,24}"
)
_PERSON = re.compile(r"(?:นางสาว|นาย|นาง|ดร\.)(" + _THAI_RUN + r"{2,15} " + _THAI_RUN + "{2,20})")


def _chunks(doc_id: str, text: str, size: int = 1600) -> list[Chunk]:
    # About 400 e5 tokens of Thai, like the real chunker's default.
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    out: list[Chunk] = []
    cur: list[tuple[int, int]] = []
    for p in paras:
        if cur and p[1] - cur[0][0] > size:
            out.append(Chunk(doc_id, len(out), cur[0][0], cur[-1][1], text[cur[0][0]:cur[-1][1]]))
            cur = []
        cur.append(p)
    if cur:
        out.append(Chunk(doc_id, len(out), cur[0][0], cur[-1][1], text[cur[0][0]:cur[-1][1]]))
    return out


class _QuickExtractor:
    """A fast rule pass that gives realistic mentions for timing (not for quality)."""

    def __init__(self) -> None:
        import geothai

        src = graph_sources()
        self.acronyms = dict(src.alias_pairs)
        self.acro = re.compile("|".join(re.escape(a) for a in sorted(self.acronyms, key=len, reverse=True)))
        provinces = {p.name_th: p.code for p in geothai.provinces()}
        self.prov = re.compile(r"(?:จังหวัด|จ\.)(" + "|".join(sorted(provinces, key=len, reverse=True)) + ")")
        self.provinces = provinces
        subs: dict[str, list[str]] = {}
        for p in geothai.provinces():
            for d in geothai.districts(p.code):
                for s in geothai.subdistricts(d.code):
                    subs.setdefault(s.name_th, []).append(s.code)
        self.subs = subs
        self.sub = re.compile(r"(?:ตำบล|ต\.)(" + _THAI_RUN + "{2,20})")
        self.regions = {"ภาคใต้": "region:south", "ภาคเหนือ": "region:north", "ภาคกลาง": "region:central",
                        "ภาคอีสาน": "region:northeast", "ภาคตะวันออกเฉียงเหนือ": "region:northeast"}
        from graph.practices import load_scheme

        labels = {c.label: c.key for c in load_scheme().concepts.values()}
        self.practice = re.compile("|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True)))
        self.labels = labels

    def __call__(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        for m in self.acro.finditer(text):
            found.append(Mention(m.start(), m.end(), m.group(), "actor", "organisation",
                                 self.acronyms[m.group()], "acronym"))
        for m in _ORG.finditer(text):
            kind = "network" if m.group().startswith("เครือข่าย") else \
                "group" if m.group().startswith("กลุ่ม") else "organisation"
            found.append(Mention(m.start(), m.end(), m.group(), "actor", kind, m.group(), "rules"))
        for m in _PERSON.finditer(text):
            found.append(Mention(m.start(), m.end(), m.group(), "actor", "person", m.group(1), "rules"))
        for m in self.prov.finditer(text):
            found.append(Mention(m.start(), m.end(), m.group(), "area", "province",
                                 self.provinces[m.group(1)], "gazetteer"))
        for m in self.sub.finditer(text):
            for n in range(len(m.group(1)), 1, -1):
                codes = self.subs.get(m.group(1)[:n])
                if codes:
                    key = codes[0] if len(codes) == 1 else None
                    found.append(Mention(m.start(), m.start(1) + n, text[m.start():m.start(1) + n],
                                         "area", "subdistrict", key, "gazetteer"))
                    break
        for name, code in self.regions.items():
            for m in re.finditer(name, text):
                found.append(Mention(m.start(), m.end(), name, "area", "region", code, "gazetteer"))
        if self.labels:
            for m in self.practice.finditer(text):
                found.append(Mention(m.start(), m.end(), m.group(), "practice", "practice",
                                     self.labels[m.group()], "scheme"))
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        out: list[Mention] = []
        last_end = -1
        for m in found:  # one mention per span, longest first, like extract()
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
        return out


def quick_extract() -> Callable[[str], list[Mention]]:
    """The quick rule extractor used for timing."""
    return _QuickExtractor()


def build_store(corpus: Path, home: Path, limit: int | None, extract: Callable[[str], list[Mention]]) -> dict:
    """Ingest thaigov files (simplified parse and chunking) with their mentions; returns counts."""
    store = Store(home / "store.sqlite")
    install_schema(store.conn)
    files = sorted(corpus.glob("*.txt"))[:limit]
    t = time.perf_counter()
    n_mentions = n_chunks = 0
    t_extract = 0.0
    batch = []
    for i, path in enumerate(files):
        text = path.read_text("utf-8")
        doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        doc = Document(doc_id, str(path), "thaigov", text.split("\n", 1)[0], text)
        chunks = _chunks(doc_id, text)
        te = time.perf_counter()
        mentions = extract(text)
        t_extract += time.perf_counter() - te
        batch.append((doc, chunks, mentions))
        if len(batch) == 200 or i == len(files) - 1:
            with store.transaction() as conn:
                for d, cs, ms in batch:
                    if store.has_document(d.id):
                        continue
                    rowids = store.put_document(d, cs)
                    n_mentions += put_mentions(conn, d.id, ms,
                                               [(r, c.start, c.end) for r, c in zip(rowids, cs)])
                    n_chunks += len(cs)
            batch = []
    return {"documents": store.count_documents(), "chunks": n_chunks, "mentions": n_mentions,
            "mentions_per_doc": round(n_mentions / max(1, store.count_documents()), 1),
            "extract_seconds": round(t_extract, 2),
            "ingest_seconds": round(time.perf_counter() - t, 2)}


def _ms(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2), "max_ms": round(ms[-1], 2)}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_DIRECT_Q = "SELECT ?a ?o WHERE { ?a fn:worksOn ?o }"
_WEIGHT_Q = "SELECT ?r ?w WHERE {{ VALUES ?r {{ {} }} ?r fn:weight ?w }}"
_PROLOGUE = "PREFIX fn: <https://w3id.org/fieldnotes/ns#>\n"


def _each(items: list, fn: Callable[[object], object]) -> dict[str, float]:
    return _summary([x for item in items for x in _ms(lambda item=item: fn(item))])


def bench_queries(kg: KG, actors: list[str], seed: int = 1) -> dict:
    """Latency of the facade-level questions on a built graph."""
    rng = random.Random(seed)
    sample = rng.sample(actors, min(200, len(actors)))
    labels = [queries.entity(kg, a).label for a in sample[:50]]
    themes = sorted({r["l"] for r in kg.sparql(
        'SELECT ?c ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l FILTER(lang(?l) = "th") }')})[:20]
    net = kg.network()
    top = [n["iri"] for n in net.top(50)]
    pairs = [(top[i], top[-1 - i]) for i in range(10)]
    return {
        "themes_of_by_iri": _each(sample, lambda a: queries.themes_of(kg, a)),
        "themes_of_by_label": _each(labels, lambda lab: queries.themes_of(kg, lab)),
        "entity_by_label": _each(labels, lambda lab: queries.entity(kg, lab)),
        "who": _each(themes, lambda t: queries.who(kg, t, k=10)),
        "entities_all": _summary(_ms(lambda: queries.entities(kg), repeat=2)),
        "shortest_path": _each(pairs, lambda ab: queries.path(kg, *ab)),
        "neighbourhood_depth2": _each(top[:10], lambda a: net.neighbourhood(a, 2)),
    }


def _themes_rdflib(ds: object, prepared: object, actor: str) -> list:
    import rdflib

    from graph.vocab import relation_iri

    ends = [str(r[1]) for r in ds.query(prepared, initBindings={"a": rdflib.URIRef(actor)})]  # type: ignore[attr-defined]
    if not ends:
        return []
    values = " ".join(f"<{relation_iri('worksOn', actor, o)}>" for o in ends)
    return list(ds.query(_PROLOGUE + _WEIGHT_Q.format(values)))  # type: ignore[attr-defined]


def bench_rdflib(kg: KG, tmp: Path, actors: list[str]) -> dict:
    """The same graph in rdflib: parse time (= start-up of a persisted file), memory, query time.

    The themes query is the one ``graph.queries.themes_of`` sends to Oxigraph.
    """
    import pyoxigraph as ox
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    nq = tmp / "graph.nt"
    kg.store.dump(str(nq), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    gc.collect()
    before = _rss_mb()
    t = time.perf_counter()
    g = rdflib.Graph()
    g.parse(str(nq), format="nt")
    parse_s = time.perf_counter() - t
    prepared = prepareQuery(_PROLOGUE + _DIRECT_Q)
    times = _each(actors[:20], lambda a: _themes_rdflib(g, prepared, a))
    size_mb = round(nq.stat().st_size / 1e6, 1)
    nq.unlink()
    return {"triples": len(g), "file_mb": size_mb, "open_parse_s": round(parse_s, 1),
            "rss_growth_mb": round(_rss_mb() - before), "themes_of": times}


def bench_betweenness(net_graph: nx.Graph, ks: tuple[int, ...] = (16, 32, 64, 128)) -> dict:
    """Exact betweenness time by size, and how well k-sampling agrees with it (top-20 overlap)."""
    core = net_graph.subgraph(max(nx.connected_components(net_graph), key=len)).copy()
    nodes = sorted(core, key=lambda v: (-core.degree(v), v))
    out: dict[str, object] = {"largest_component": core.number_of_nodes()}
    sizes: dict[int, dict[str, object]] = {}
    for n in (500, 1000, 2000):
        if n > len(nodes):
            break
        sub = core.subgraph(nodes[:n])
        t = time.perf_counter()
        exact = nx.betweenness_centrality(sub)
        row: dict[str, object] = {"edges": sub.number_of_edges(),
                                  "exact_s": round(time.perf_counter() - t, 2)}
        top_e = {v for v, _ in sorted(exact.items(), key=lambda kv: -kv[1])[:20]}
        for k in ks:
            t = time.perf_counter()
            approx = nx.betweenness_centrality(sub, k=k, seed=42)
            top_a = {v for v, _ in sorted(approx.items(), key=lambda kv: -kv[1])[:20]}
            row[f"k{k}_s"] = round(time.perf_counter() - t, 2)
            row[f"k{k}_top20_overlap"] = len(top_e & top_a) / 20
        sizes[n] = row
    out["by_size"] = sizes
    return out


def _merge(path: Path, key: str, value: object) -> None:
    data = json.loads(path.read_text("utf-8")) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpora/thaigov-community"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--home", type=Path, default=None, help="keep the built home here")
    ap.add_argument("--extract", choices=["regex", "real"], default="regex")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    ap.add_argument("--no-betweenness", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="fieldnotes-bench-graph-"))
    if args.extract == "real":
        from graph.extract import extract as real_extract

        extractor: Callable[[str], list[Mention]] = real_extract
    else:
        extractor = quick_extract()
    result: dict[str, object] = {"corpus": str(args.corpus), "limit": args.limit, "extract": args.extract}
    result["store"] = build_store(args.corpus, home, args.limit, extractor)
    store = Store(home / "store.sqlite")
    src = graph_sources()
    t = time.perf_counter()
    report = rebuild(store.conn, home, sources=src)
    result["rebuild"] = report.to_json() | {"total_s": round(time.perf_counter() - t, 2)}
    t = time.perf_counter()
    kg = KG(home, conn=store.conn)
    result["oxigraph_open_ms"] = round((time.perf_counter() - t) * 1000, 2)
    actors = [r["e"] for r in kg.sparql(
        'SELECT ?e ?t WHERE { ?e fn:entityType ?t ; fn:mentionCount ?n } ORDER BY DESC(?n) LIMIT 2000',
        {"t": "actor"})]
    result["queries"] = bench_queries(kg, actors)
    exports = {}
    for fmt in ("ttl", "nq", "jsonld", "graphml"):
        out = home / f"export.{fmt}"
        ms = _ms(lambda fmt=fmt, out=out: kg.export(fmt, out))[0]
        exports[fmt] = {"s": round(ms / 1000, 2), "mb": round(out.stat().st_size / 1e6, 1)}
        out.unlink()
    result["exports"] = exports
    RESULTS.mkdir(parents=True, exist_ok=True)
    ndocs = result["store"]["documents"]  # type: ignore[index]
    store_cmp: dict[str, object] = {
        "documents": ndocs,
        "quads": report.quads,
        "oxigraph": {"generate_and_bulk_load_s": report.seconds.get("rdf"),
                     "open_ms": result["oxigraph_open_ms"],
                     "themes_of": result["queries"]["themes_of_by_iri"]},  # type: ignore[index]
    }
    if not args.no_rdflib:
        store_cmp["rdflib"] = bench_rdflib(kg, home, actors)
    result["store_choice"] = store_cmp
    if not args.no_betweenness:
        result["betweenness"] = bench_betweenness(kg.network().graph)
    result["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    _merge(RESULTS / "graph_build.json", f"{ndocs}_docs", result)
    _merge(RESULTS / "graph_store.json", f"{ndocs}_docs",
           store_cmp | {"load_average": result["load_average"]})
    if "betweenness" in result:
        _merge(RESULTS / "graph_network.json", f"{ndocs}_docs", result["betweenness"])
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
