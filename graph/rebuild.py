"""Rebuild the knowledge graph from the store: resolve, derive, load, swap.

The RDF store and the partner network are derived data: :func:`rebuild` reads
the ``mentions`` table (plus documents and chunks), the curation file, the
practice scheme and the gazetteer, and writes a complete new *generation*::

    <home>/graph/CURRENT                 name of the live generation
    <home>/graph/gen-<stamp>/oxigraph/   the RDF store (immutable once built)
    <home>/graph/gen-<stamp>/network.json  partner network with centralities
    <home>/graph/gen-<stamp>/network_top.json  its first view for the explorer
    <home>/graph/gen-<stamp>/links.sqlite  each entity's ties with their weights, each mention's entity
    <home>/graph/gen-<stamp>/entities.json entities for fast listing
    <home>/graph/gen-<stamp>/meta.json     counts, timings, fingerprint, warnings

Only when the generation is complete does ``CURRENT`` point at it (temporary
file + ``os.replace``): a crash never leaves a half-written graph in use and
readers never see one. A generation is never written again, so readers open it
read-only; the previous one is kept for readers that still have it open, older
ones are removed. One rebuild runs at a time (a lock file).

Example:
    >>> report = rebuild(store.conn, home)  # with graph_sources() by default
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import pyoxigraph as ox

from fieldnotes.errors import FieldnotesError, StoreError
from graph.area_stats import FILE_NAME as AREA_STATS, area_stats
from graph.curation import FILE_NAME, Curation
from graph.discovery import as_concept, theme_passages, themes_for
from graph.files import write_text_atomic
from graph.mentions import iter_mentions
from graph.models import Entity
from graph.network import PartnerNetwork
from graph.links import FILE_NAME as LINKS, write_links
from graph.network_top import FILE_NAME as NETWORK_TOP, build_top
from graph.rdf import DocInfo, cooccurrences, name_themes, ntriples
from graph.resolve import AreaInfo, ConceptInfo, resolve

__all__ = ["BuildReport", "GraphSources", "rebuild", "graph_sources", "fingerprint",
           "GRAPH_DIR", "CURRENT"]

#: Folder of the graph generations in the home folder, and the pointer file in it.
GRAPH_DIR = "graph"
CURRENT = "CURRENT"


@dataclass(frozen=True)
class BuildReport:
    """What a rebuild did.

    Attributes:
        generation: folder of the new graph.
        documents: documents with mentions.
        mentions: mentions read from the store.
        entities: entities after resolution and curation.
        relations: derived relations.
        quads: quads in the RDF store.
        nodes: partner-network nodes.
        edges: partner-network edges.
        seconds: wall time per stage (``themes``: discovering themes, when the
            rebuild did), and ``cpu_after_read``: CPU seconds of everything after
            reading the store.
        warnings: curation actions that could not be applied.
    """

    generation: str
    documents: int
    mentions: int
    entities: int
    relations: int
    quads: int
    nodes: int
    edges: int
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON shape of ``fieldnotes graph --json`` (and of meta.json)."""
        return {
            "generation": self.generation,
            "documents": self.documents,
            "mentions": self.mentions,
            "entities": self.entities,
            "relations": self.relations,
            "quads": self.quads,
            "nodes": self.nodes,
            "edges": self.edges,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class GraphSources:
    """What the graph is built with besides the store: gazetteer, scheme, acronyms.

    Attributes:
        areas: gazetteer lookup by DOPA code or region id.
        concepts: practice-scheme lookup by concept key (notation).
        alias_pairs: ``(acronym, full name)`` pairs.
        scheme_path: the SKOS scheme (Turtle) loaded into the store as it is.
        theme_labels: ``(concept IRI, label)`` of every scheme label (for names
            of actors that state a practice, e.g. เครือข่ายกองทุนหมู่บ้าน);
            empty: read from ``scheme_path``.
    """

    areas: Callable[[str], AreaInfo | None] | None = None
    concepts: Callable[[str], ConceptInfo | None] | None = None
    alias_pairs: tuple[tuple[str, str], ...] = ()
    scheme_path: Path | None = None
    theme_labels: tuple[tuple[str, str], ...] = ()



def graph_sources() -> GraphSources:
    """The gazetteer (``graph.areas``), practice scheme (``graph.practices``) and
    acronym table (``graph.acronyms``) of the extraction modules."""
    from graph import acronyms, gazetteer, practices

    scheme = practices.load_scheme()
    by_key = scheme.concepts
    table = {
        c.key: ConceptInfo(c.key, c.iri, c.label, c.label_en or None,
                           tuple(by_key[b].iri for b in c.broader if b in by_key))
        for c in by_key.values()
    }
    labels = tuple((c.iri, lab) for c in by_key.values() for lab in c.labels if lab)
    pairs = tuple((a.acronym, a.full_name) for a in acronyms.acronym_table().values())

    def area(code: str) -> AreaInfo | None:
        try:
            a = gazetteer.area(code)
        except FieldnotesError:  # not in the gazetteer: no area entity rather than a guess
            return None
        return AreaInfo(a.code, a.kind, a.name_th, a.name_en or None, a.parent, a.lat, a.lon)

    return GraphSources(areas=lru_cache(maxsize=None)(area), concepts=table.get, alias_pairs=pairs,
                        scheme_path=Path(scheme.path), theme_labels=labels)


def _scheme_labels(path: Path | None) -> list[tuple[str, str]]:
    """``(concept IRI, label)`` for every pref/alt/hidden label of a scheme file."""
    if path is None or not Path(path).exists():
        return []
    skos = "http://www.w3.org/2004/02/skos/core#"
    wanted = {skos + "prefLabel", skos + "altLabel", skos + "hiddenLabel"}
    return [(t.subject.value, t.object.value)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            if t.predicate.value in wanted and isinstance(t.object, ox.Literal)]


def rebuild(
    conn: sqlite3.Connection,
    home: Path,
    *,
    sources: GraphSources | None = None,
    curation: Curation | None = None,
    discovered: Sequence[Any] | None = None,
    keep: int = 2,
) -> BuildReport:
    """Rebuild the RDF store and the partner network from the store's mentions.

    Args:
        conn: the SQLite store's connection (read only here).
        home: the home folder.
        sources: gazetteer, practice scheme and acronyms (default: :func:`graph_sources`,
            the extraction modules' own).
        curation: corrections (default: ``<home>/curation.json``).
        discovered: machine-discovered themes (``graph.themes.DiscoveredTheme`` or
            :class:`ConceptInfo`), added to a separate scheme, marked
            ``fn:discovered``, and related to the actors named in the passages
            that contain them. ``None`` (the default): discovered from the stored
            notes when there are enough of them, in bounded time
            (:mod:`graph.discovery`); ``()``: none.
        keep: generations to keep (the new one and ``keep - 1`` before it).

    Raises:
        StoreError: another rebuild holds the lock, or the store cannot be read.
    """
    home = Path(home)
    root = home / GRAPH_DIR
    root.mkdir(parents=True, exist_ok=True)
    src = sources if sources is not None else graph_sources()
    with _lock(root):
        labels = list(src.theme_labels) or _scheme_labels(src.scheme_path)
        return _rebuild(conn, home, root, curation, src.areas, src.concepts, src.alias_pairs,
                        src.scheme_path, labels, discovered, keep)


def _rebuild(
    conn: sqlite3.Connection,
    home: Path,
    root: Path,
    curation: Curation | None,
    areas: Callable[[str], AreaInfo | None] | None,
    concepts: Callable[[str], ConceptInfo | None] | None,
    alias_pairs: Iterable[tuple[str, str]],
    scheme_path: Path | None,
    theme_labels: list[tuple[str, str]],
    discovered: Sequence[Any] | None,
    keep: int,
) -> BuildReport:
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    try:
        rows = list(iter_mentions(conn, ordered=False))
        docs = {
            r[0]: DocInfo(r[0], r[1], r[2], r[3])
            for r in conn.execute("SELECT id, source, title, created FROM documents")
        }
        spans = {
            (r[0], int(r[1])): (int(r[2]), int(r[3]))
            for r in conn.execute(
                'SELECT doc_id, idx, start, "end" FROM chunks'
                " WHERE id IN (SELECT DISTINCT chunk_id FROM mentions)"
            )
        }
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read mentions from the store ({exc}); run ingest first") from exc
    fprint = fingerprint(conn, home)
    seconds["read"] = _tick(t)
    cpu0 = time.process_time()
    t = time.perf_counter()
    if discovered is None:
        discovered = themes_for(conn, scheme_path)
        seconds["themes"] = _tick(t)
        t = time.perf_counter()
    cur = curation if curation is not None else Curation.load(home / FILE_NAME)
    res = resolve(rows, cur, doc_sources={k: v.source for k, v in docs.items()},
                  areas=areas, concepts=concepts, alias_pairs=alias_pairs)
    types = {e.iri: e.type for e in res.entities}
    concepts_found = [as_concept(t) for t in discovered]
    implied = name_themes(res.entities,
                          theme_labels + [(c.iri, c.label) for c in concepts_found])
    found = theme_passages(conn, concepts_found)
    for iris in [*implied.values(), *found.values()]:
        types.update((i, "practice") for i in iris)
    relations = cooccurrences(rows, res.mention_entity, types, implied, found)
    seconds["resolve"] = _tick(t)

    t = time.perf_counter()
    gen = root / f"gen-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{os.getpid()}"
    gen.mkdir()
    try:
        store = ox.Store(str(gen / "oxigraph"))
        lines = ntriples(res, rows, docs, relations, spans, discovered=concepts_found)
        # lenient: skip re-validating IRIs that graph.vocab built from safe parts.
        store.bulk_load(_LineReader(lines), ox.RdfFormat.N_TRIPLES, lenient=True)
        if scheme_path is not None and Path(scheme_path).exists():
            store.bulk_load(path=str(scheme_path), format=ox.RdfFormat.TURTLE)
        store.flush()
        n_quads = len(store)
        del store
        seconds["rdf"] = _tick(t)

        t = time.perf_counter()
        net = PartnerNetwork.build(res.entities, relations)
        net.analyse()
        net.save(gen / "network.json")
        seconds["network"] = _tick(t)
        t = time.perf_counter()
        # The explorer's first Network view, so it need not read network.json (seconds).
        write_text_atomic(gen / NETWORK_TOP, json.dumps(build_top(net), ensure_ascii=False, separators=(",", ":")))
        seconds["network_top"] = _tick(t)
        t = time.perf_counter()
        # Each entity's ties for its page, and each mention's entity for result
        # cards and the case page: one lookup each instead of SPARQL joins.
        write_links(gen / LINKS, relations,
                    ((m.doc_id, m.start, m.end, m.type, res.mention_entity[m.id])
                     for m in rows if m.id in res.mention_entity))
        seconds["links"] = _tick(t)
        # CPU time of the whole process (Oxigraph's loader threads included): on
        # a shared machine it says what wall time an idle one would take.
        seconds["cpu_after_read"] = time.process_time() - cpu0
        write_text_atomic(gen / "entities.json", json.dumps(
            [_entity_json(e) for e in res.entities], ensure_ascii=False, separators=(",", ":")))
        stats = area_stats(res.entities, ((r.subject, r.object) for r in relations if r.kind == "activeIn"))
        write_text_atomic(gen / AREA_STATS, json.dumps(stats, ensure_ascii=False, separators=(",", ":")))
        report = BuildReport(
            generation=gen.name,
            documents=len({m.doc_id for m in rows}),
            mentions=len(rows),
            entities=len(res.entities),
            relations=len(relations),
            quads=n_quads,
            nodes=net.graph.number_of_nodes(),
            edges=net.graph.number_of_edges(),
            seconds=seconds,
            warnings=tuple(res.warnings),
        )
        meta = report.to_json() | {
            "fingerprint": fprint,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "replaced": res.replaced,
        }
        (gen / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    write_text_atomic(root / CURRENT, gen.name)
    _prune(root, gen.name, keep)
    return report


def _tick(since: float) -> float:
    return time.perf_counter() - since


def fingerprint(conn: sqlite3.Connection, home: Path) -> dict[str, object]:
    """What the graph was built from; a different value means the graph is stale."""
    n, top = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM mentions").fetchone()
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    cur = home / FILE_NAME
    return {
        "mentions": int(n),
        "max_mention_id": int(top),
        "documents": int(docs),
        "curation_mtime": cur.stat().st_mtime if cur.exists() else None,
    }


def _entity_json(e: Entity) -> dict[str, object]:
    return e.to_json() | {"label_en": e.label_en, "lat": e.lat, "lon": e.lon}


class _LineReader(io.RawIOBase):
    """A binary stream over generated lines, so the bulk loader never needs the whole text."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self._buf) < len(b):
            batch = "".join(line for _, line in zip(range(2048), self._lines))
            if not batch:
                break
            self._buf += batch.encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class _lock:
    """An exclusive, non-blocking lock on the graph folder (one rebuild at a time)."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".lock"

    def __enter__(self) -> _lock:
        self.fh = open(self.path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise StoreError(
                f"another graph rebuild is running in {self.path.parent}; wait for it to finish"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _prune(root: Path, current: str, keep: int) -> None:
    gens = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("gen-"))
    older = [p for p in gens if p.name < current]
    for p in older[: max(0, len(older) - max(0, keep - 1))]:
        shutil.rmtree(p, ignore_errors=True)
    for p in gens:  # generations left behind by a crashed rebuild
        if p.name > current:
            shutil.rmtree(p, ignore_errors=True)
