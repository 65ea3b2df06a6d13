"""Fixtures for the graph tests: the seed posts in a store with hand-marked mentions.

Mentions come from graph_kg_seed_mentions.json (labels found in the real seed
text, so offsets are real); documents are stored with simple paragraph chunks
so the tests do not depend on the ingest pipeline; areas come from geothai and
practices from graph_kg_practices.ttl.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import geothai
from rdflib import Graph
from rdflib.namespace import SKOS

from graph.kg import KG, GraphSources, rebuild
from graph.mentions import install_schema, put_mentions
from graph.models import Mention
from graph.resolve import AreaInfo, ConceptInfo
from ingest.models import Chunk, Document
from ingest.store import Store

__all__ = [
    "DATA",
    "CORPUS",
    "SCHEME",
    "seed_texts",
    "seed_mentions",
    "area_info",
    "concept_info",
    "make_store",
    "sources",
    "build",
    "OlderGeneration",
]

DATA = Path(__file__).resolve().parent
CORPUS = DATA.parent.parent / "corpus"
SCHEME = DATA / "graph_kg_practices.ttl"

_REGIONS = {
    "region:north": "ภาคเหนือ",
    "region:south": "ภาคใต้",
    "region:northeast": "ภาคตะวันออกเฉียงเหนือ",
    "region:west": "ภาคตะวันตก",
    "region:central": "ภาคกลาง",
    "region:east": "ภาคตะวันออก",
}

# Regions of the seeds' provinces (the real gazetteer has all 77).
_PROVINCE_REGION = {"90": "region:south", "80": "region:south", "93": "region:south",
                    "52": "region:north", "23": "region:east", "11": "region:central",
                    "10": "region:central"}


def seed_texts() -> dict[str, tuple[str, str]]:
    """``prefix -> (source, text)`` of the five seed posts."""
    out = {}
    for p in sorted(CORPUS.glob("*.txt")):
        out[p.name[:3]] = (f"corpus/{p.name}", p.read_text("utf-8"))
    return out


def seed_mentions(prefix: str, text: str) -> list[Mention]:
    """Every occurrence of the hand-marked labels of one seed, overlaps resolved by list order."""
    spec = json.loads((DATA / "graph_kg_seed_mentions.json").read_text("utf-8"))[prefix]
    taken: list[tuple[int, int]] = []
    out = []
    for label, type_, kind, key in spec:
        for m in re.finditer(re.escape(label), text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append(Mention(s, e, label, type_, kind, key, "fixture"))
    out.sort(key=lambda m: (m.start, m.end))
    return out


def area_info(code: str) -> AreaInfo | None:
    """A gazetteer lookup built straight on geothai (test double of graph.areas)."""
    if code in _REGIONS:
        return AreaInfo(code, "region", _REGIONS[code])
    if len(code) == 2:
        p = geothai.province(code)
        return AreaInfo(code, "province", p.name_th, p.name_en, _PROVINCE_REGION.get(code)) if p else None
    if len(code) == 4:
        d = geothai.district(code)
        return AreaInfo(code, "district", d.name_th, d.name_en, d.province_code) if d else None
    s = geothai.subdistrict(code)
    return AreaInfo(code, "subdistrict", s.name_th, s.name_en, s.district_code) if s else None


def concept_info():
    """A practice-scheme lookup over graph_kg_practices.ttl (test double of graph.practices)."""
    g = Graph().parse(SCHEME)
    table = {}
    for c, notation in g.subject_objects(SKOS.notation):
        th = [str(x) for x in g.objects(c, SKOS.prefLabel) if x.language == "th"]
        en = [str(x) for x in g.objects(c, SKOS.prefLabel) if x.language == "en"]
        table[str(notation)] = ConceptInfo(
            key=str(notation), iri=str(c), label=th[0], label_en=en[0] if en else None,
            broader=tuple(sorted(str(b) for b in g.objects(c, SKOS.broader))),
        )
    return table.get


def _chunks(doc_id: str, text: str, size: int = 700) -> list[Chunk]:
    paras = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\n))*", text)]
    chunks: list[Chunk] = []
    cur: list[tuple[int, int]] = []
    for p in paras:
        if cur and p[1] - cur[0][0] > size:
            chunks.append(_chunk(doc_id, text, len(chunks), cur))
            cur = []
        cur.append(p)
    if cur:
        chunks.append(_chunk(doc_id, text, len(chunks), cur))
    return chunks


def _chunk(doc_id: str, text: str, idx: int, paras: list[tuple[int, int]]) -> Chunk:
    s, e = paras[0][0], paras[-1][1]
    return Chunk(doc_id, idx, s, e, text[s:e])


def make_store(home: Path, prefixes: list[str] | None = None, *, extra: dict | None = None) -> Store:
    """A store in ``home`` holding the seeds (or some), their chunks and mentions.

    Args:
        extra: ``prefix -> list[Mention]`` added to those seeds' mentions.
    """
    store = Store(home / "store.sqlite")
    install_schema(store.conn)
    for prefix, (source, text) in seed_texts().items():
        if prefixes is not None and prefix not in prefixes:
            continue
        doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        title = text.split("\n", 1)[0]
        doc = Document(doc_id, source, "gotoknow", title, text)
        chunks = _chunks(doc_id, text)
        mentions = seed_mentions(prefix, text) + list((extra or {}).get(prefix, []))
        with store.transaction() as conn:
            rowids = store.put_document(doc, chunks)
            put_mentions(conn, doc_id, mentions, [(r, c.start, c.end) for r, c in zip(rowids, chunks)])
    return store


def sources() -> GraphSources:
    """The test gazetteer and scheme as graph sources."""
    return GraphSources(areas=area_info, concepts=concept_info(), scheme_path=SCHEME)


def build(home: Path, store: Store, **kwargs) -> KG:
    """Rebuild the graph of ``home`` with the test gazetteer and scheme; open it."""
    rebuild(store.conn, home, sources=sources(), **kwargs)
    return KG(home, conn=store.conn)


class OlderGeneration:
    """A KG as a generation built before some precomputed file existed.

    The named methods (``network_top``, ``links`` …) answer ``None``, as they do
    when their file is missing; everything else is the real KG's.
    """

    def __init__(self, kg: KG, *missing: str) -> None:
        self._kg, self._missing = kg, frozenset(missing)

    def __getattr__(self, name: str) -> object:
        if name in self._missing:
            return lambda *args, **kwargs: None
        return getattr(self._kg, name)
