"""Entities, mentions and derived relations as RDF, with provenance down to the character.

What the graph says (prefixes as in :data:`graph.vocab.PREFIXES`):

- every document ``id:doc/<id>`` (``fn:Document``, ``prov:Entity``) with
  ``dcterms:title``, ``dcterms:source``, ``dcterms:identifier``, ``dcterms:created``;
- every passage that holds a mention ``id:doc/<id>/p<i>`` (``fn:Passage``) with
  ``dcterms:isPartOf`` its document, ``fn:chunkIndex``, ``fn:start``, ``fn:end``;
- every mention (``fn:Mention``) with ``fn:surface``, ``fn:start``, ``fn:end``
  (offsets into the stored document text), ``fn:extractor``, ``dcterms:isPartOf``
  its passage, ``prov:wasDerivedFrom`` its document and ``fn:refersTo`` its entity;
- every entity with its classes (``org:Organization``/``org:FormalOrganization``,
  ``fn:Network``, ``fn:Group``, ``foaf:Person``, ``schema:AdministrativeArea``,
  ``fn:Region``, ``skos:Concept``), ``skos:prefLabel``/``skos:altLabel``,
  ``fn:lookupKey``, ``fn:mentionCount``, ``fn:mentionedIn``; areas with
  ``schema:containedInPlace``, ``fn:dopaCode``, ``schema:latitude``/``longitude``;
- every relation found by co-occurrence in one passage, twice: a reified node
  (``fn:WorksOn``/``fn:ActiveIn``/``fn:WorksWith``, with ``rdf:subject`` and
  ``rdf:object``, ``fn:weight`` = number of passages and ``prov:wasDerivedFrom``
  each passage) and a direct triple
  (``fn:worksOn``, ``fn:activeIn``, ``fn:worksWith`` both ways) for easy queries.

Everything is in the store's default graph: a named graph per document
doubled Oxigraph's load time (six indexes instead of three; measured in
bench/graph.py) and added nothing the mentions' ``prov:wasDerivedFrom`` does not
already say.

The output is N-Triples text, because Oxigraph's bulk loader reads it several
times faster than Python can hand it term objects (measured in bench/graph.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

from graph.mentions import MentionRow
from graph.models import Entity
from graph.names import match_key
from graph.resolve import ConceptInfo, Resolution
from graph.vocab import (
    DCTERMS,
    FN,
    FOAF,
    ORG,
    PROV,
    RDF,
    RELATION_KINDS,
    SCHEME_DISCOVERED,
    SDO,
    SKOS,
    XSD,
    doc_iri,
    passage_iri,
    relation_iri,
)

__all__ = ["DocInfo", "Relation", "cooccurrences", "name_themes", "ntriples", "literal", "CLASSES"]


@dataclass(frozen=True)
class DocInfo:
    """A document's metadata for the graph."""

    doc_id: str
    source: str
    title: str
    created: str | None = None


@dataclass(frozen=True)
class Relation:
    """A relation derived from co-occurrence in passages.

    Attributes:
        kind: ``worksOn`` (actor -> practice), ``activeIn`` (actor -> area) or
            ``worksWith`` (actor <-> actor; ``subject`` < ``object``).
        subject: IRI of the actor.
        object: IRI of the practice, area or other actor.
        passages: ``(doc_id, chunk index)`` of every passage where both occur.
    """

    kind: str
    subject: str
    object: str
    passages: tuple[tuple[str, int], ...]

    @property
    def weight(self) -> int:
        """Number of distinct passages behind the relation."""
        return len(self.passages)


#: (type, kind) -> RDF classes of an entity; ``None`` kind is the type's default.
CLASSES: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("actor", "organisation"): (str(ORG.Organization), str(ORG.FormalOrganization)),
    ("actor", "network"): (str(ORG.Organization), str(FN.Network)),
    ("actor", "group"): (str(ORG.Organization), str(FN.Group)),
    ("actor", "person"): (str(FOAF.Person),),
    ("actor", None): (str(ORG.Organization),),
    ("area", "region"): (str(SDO.Place), str(FN.Region)),
    ("area", "village"): (str(SDO.Place),),
    ("area", "place"): (str(SDO.Place),),
    ("area", None): (str(SDO.Place), str(SDO.AdministrativeArea)),
    ("practice", None): (str(SKOS.Concept),),
}

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_A = f"<{RDF.type}>"


def _iri(value: str) -> str:
    return f"<{value}>"


def literal(value: object, lang: str | None = None) -> str:
    """An N-Quads literal: ``str`` (Thai gets ``@th`` unless ``lang`` says otherwise), int, float, bool.

    Example:
        >>> literal("พอช.")
        '"พอช."@th'
    """
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD.boolean}>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD.integer}>'
    if isinstance(value, float):
        return f'"{value!r}"^^<{XSD.double}>'
    text = str(value).translate(_ESCAPES)
    if lang is None and _THAI.search(text):
        lang = "th"
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def cooccurrences(
    rows: Iterable[MentionRow],
    mention_entity: Mapping[int, str],
    types: Mapping[str, str],
    name_themes: Mapping[str, Iterable[str]] | None = None,
    passage_themes: Mapping[tuple[str, int], Iterable[str]] | None = None,
) -> list[Relation]:
    """Relations between entities named in the same passage.

    Args:
        rows: stored mentions (those outside any passage are ignored).
        mention_entity: mention id -> entity IRI (from :func:`graph.resolve.resolve`).
        types: entity IRI -> type (``actor``, ``area``, ``practice``).
        name_themes: actor IRI -> practices its own name states (see
            :func:`name_themes`): เครือข่ายกองทุนหมู่บ้าน works on กองทุนหมู่บ้าน in
            every passage that names it, although extraction keeps one mention
            per span and so never reports the practice inside the name.
        passage_themes: ``(doc_id, chunk index)`` -> practices found there
            without a stored mention (discovered themes).

    Returns:
        Relations sorted by kind, weight (highest first), subject and object.
    """
    # Entities as small ints while counting: the pair loop runs millions of times.
    ids: dict[str, int] = {}
    by_passage: dict[tuple[str, int], set[int]] = defaultdict(set)
    implied = {k: list(v) for k, v in (name_themes or {}).items()}
    for m in rows:
        iri = mention_entity.get(m.id)
        if iri is not None and m.chunk_index is not None:
            here = by_passage[(m.doc_id, m.chunk_index)]
            here.add(ids.setdefault(iri, len(ids)))
            for theme in implied.get(iri, ()):
                here.add(ids.setdefault(theme, len(ids)))
    for ref, themes in (passage_themes or {}).items():
        by_passage[ref].update(ids.setdefault(t, len(ids)) for t in themes)
    names = list(ids)
    kind_of = [_KIND_CODE.get(types.get(n, ""), -1) for n in names]
    found: dict[tuple[int, int, int], list[tuple[str, int]]] = defaultdict(list)
    for ref, members in by_passage.items():
        actors = sorted((i for i in members if kind_of[i] == 0), key=names.__getitem__)
        if not actors:
            continue
        others = [(i, kind_of[i]) for i in members if kind_of[i] > 0]
        for a_pos, a in enumerate(actors):
            for other, code in others:
                found[(code, a, other)].append(ref)
            for b in actors[a_pos + 1 :]:
                found[(0, a, b)].append(ref)
    rels = [Relation(_KIND_NAME[k], names[s], names[o], tuple(sorted(refs)))
            for (k, s, o), refs in found.items()]
    rels.sort(key=lambda r: (r.kind, -r.weight, r.subject, r.object))
    return rels


# entity type -> relation code: 0 actor (worksWith), 1 practice (worksOn), 2 area (activeIn)
_KIND_CODE = {"actor": 0, "practice": 1, "area": 2}
_KIND_NAME = {0: "worksWith", 1: "worksOn", 2: "activeIn"}


def name_themes(
    entities: Iterable[Entity], theme_labels: Iterable[tuple[str, str]], *, min_chars: int = 4
) -> dict[str, set[str]]:
    """Practices named inside actors' names (label or alias).

    Args:
        entities: resolved entities (actors are used).
        theme_labels: ``(concept IRI, label)`` for every prefLabel and altLabel of the scheme.
        min_chars: shorter labels (``KM``) are ignored: inside a name they match by accident.

    Example:
        ``เครือข่ายกองทุนหมู่บ้าน`` -> {practice กองทุนหมู่บ้าน}
    """
    keys = sorted({(match_key(lab), iri) for iri, lab in theme_labels if len(match_key(lab)) >= min_chars})
    out: dict[str, set[str]] = {}
    for e in entities:
        if e.type != "actor" or e.kind == "person":
            continue
        names = {match_key(n) for n in (e.label, *e.aliases)}
        found = {iri for key, iri in keys if any(key in n for n in names)}
        if found:
            out[e.iri] = found
    return out


def ntriples(
    resolution: Resolution,
    rows: Sequence[MentionRow],
    docs: Mapping[str, DocInfo],
    relations: Sequence[Relation],
    passage_spans: Mapping[tuple[str, int], tuple[int, int]],
    *,
    discovered: Sequence[ConceptInfo] = (),
) -> Iterator[str]:
    """The whole graph as N-Triples lines.

    Args:
        resolution: entities and the mention -> entity map.
        rows: the stored mentions.
        docs: metadata of every document that has mentions.
        relations: from :func:`cooccurrences`.
        passage_spans: ``(doc_id, chunk index) -> (start, end)`` of the passages.
        discovered: machine-found themes to add to the scheme (marked ``fn:discovered``).
    """
    m_of = resolution.mention_entity
    entity_docs: dict[str, set[str]] = defaultdict(set)
    by_doc: dict[str, list[MentionRow]] = defaultdict(list)
    for m in rows:
        by_doc[m.doc_id].append(m)
        iri = m_of.get(m.id)
        if iri is not None:
            entity_docs[iri].add(m.doc_id)
    for doc_id, ms in by_doc.items():
        yield from _document(docs.get(doc_id) or DocInfo(doc_id, doc_id, ""), ms, m_of,
                             passage_spans)
    for e in resolution.entities:
        yield from _entity(e, resolution.lookup_keys.get(e.iri, ()), entity_docs.get(e.iri, ()))
    for r in relations:
        yield from _relation(r)
    for c in discovered:
        yield from _discovered(c)


def _n(term: object) -> str:
    return f"<{term}>"


# Terms as N-Triples text, computed once: DefinedNamespace attribute access is
# slow and the generator below runs millions of times at corpus scale.
_T_MENTION, _T_PASSAGE, _T_DOC, _T_ENTITY = _n(FN.Mention), _n(FN.Passage), _n(FN.Document), _n(PROV.Entity)
_SURFACE, _START, _END, _EXTRACTOR = _n(FN.surface), _n(FN.start), _n(FN.end), _n(FN.extractor)
_REFERS, _DERIVED, _PART_OF, _CHUNK = _n(FN.refersTo), _n(PROV.wasDerivedFrom), _n(DCTERMS.isPartOf), \
    _n(FN.chunkIndex)
_ETYPE, _KIND, _PREF, _ALT, _NAME = _n(FN.entityType), _n(FN.kind), _n(SKOS.prefLabel), \
    _n(SKOS.altLabel), _n(FOAF.name)
_LOOKUP, _COUNT, _IN_DOC, _WEIGHT = _n(FN.lookupKey), _n(FN.mentionCount), _n(FN.mentionedIn), \
    _n(FN.weight)
_SUBJ, _OBJ = _n(RDF.subject), _n(RDF.object)
_INT = f"^^<{XSD.integer}>"


def _int(n: int) -> str:
    return f'"{n}"{_INT}'


def _document(
    info: DocInfo,
    ms: list[MentionRow],
    m_of: Mapping[int, str],
    spans: Mapping[tuple[str, int], tuple[int, int]],
) -> Iterator[str]:
    d = _iri(doc_iri(info.doc_id))
    yield f"{d} {_A} {_T_DOC} .\n{d} {_A} {_T_ENTITY} .\n"
    yield f"{d} <{DCTERMS.identifier}> {literal(info.doc_id, '')} .\n"
    yield f"{d} <{DCTERMS.source}> {literal(info.source, '')} .\n"
    if info.title:
        yield f"{d} <{DCTERMS.title}> {literal(info.title)} .\n"
    if info.created:
        yield f'{d} <{DCTERMS.created}> "{info.created}"^^<{XSD.dateTime}> .\n'
    seen_passages: set[int] = set()
    prefix = d[:-1]
    for m in ms:
        mi = f"{prefix}/m{m.start}-{m.end}-{m.type}>"  # graph.vocab.mention_iri, inlined
        entity = m_of.get(m.id)
        yield (f"{mi} {_A} {_T_MENTION} .\n{mi} {_SURFACE} {literal(m.label)} .\n"
               f"{mi} {_START} {_int(m.start)} .\n{mi} {_END} {_int(m.end)} .\n"
               f"{mi} {_EXTRACTOR} {literal(m.source, '')} .\n{mi} {_DERIVED} {d} .\n")
        if entity is not None:
            yield f"{mi} {_REFERS} <{entity}> .\n"
        else:  # unresolved: keep what extraction said, for a facilitator to curate
            yield f"{mi} {_ETYPE} {literal(m.type, '')} .\n{mi} {_KIND} {literal(m.kind, '')} .\n"
        if m.chunk_index is None:
            continue
        p = f"{prefix}/p{m.chunk_index}>"  # graph.vocab.passage_iri, inlined
        yield f"{mi} {_PART_OF} {p} .\n"
        if m.chunk_index not in seen_passages:
            seen_passages.add(m.chunk_index)
            yield (f"{p} {_A} {_T_PASSAGE} .\n{p} {_PART_OF} {d} .\n"
                   f"{p} {_CHUNK} {_int(m.chunk_index)} .\n")
            span = spans.get((m.doc_id, m.chunk_index))
            if span is not None:
                yield f"{p} {_START} {_int(span[0])} .\n{p} {_END} {_int(span[1])} .\n"


def _entity(e: Entity, keys: Iterable[str], doc_ids: Iterable[str]) -> Iterator[str]:
    s = _iri(e.iri)
    classes = CLASSES.get((e.type, e.kind)) or CLASSES.get((e.type, None), ())
    for c in classes:
        yield f"{s} {_A} <{c}> .\n"
    yield f"{s} {_ETYPE} {literal(e.type, '')} .\n{s} {_KIND} {literal(e.kind, '')} .\n"
    yield f"{s} {_PREF} {literal(e.label)} .\n"
    if e.type == "actor" and e.kind == "person":
        yield f"{s} {_NAME} {literal(e.label)} .\n"
    for a in e.aliases:
        yield f"{s} {_ALT} {literal(a)} .\n"
    for k in keys:
        yield f"{s} {_LOOKUP} {literal(k, '')} .\n"
    yield f"{s} {_COUNT} {_int(e.mentions)} .\n"
    for d in sorted(doc_ids):
        yield f"{s} {_IN_DOC} <{doc_iri(d)}> .\n"
    if e.label_en:
        yield f"{s} {_PREF} {literal(e.label_en, 'en')} .\n"
    if e.type == "area":
        if e.code:
            yield f"{s} <{FN.dopaCode}> {literal(e.code, '')} .\n"
        if e.parent:
            yield f"{s} <{SDO.containedInPlace}> <{e.parent}> .\n"
        if e.lat is not None and e.lon is not None:
            yield f"{s} <{SDO.latitude}> {literal(float(e.lat))} .\n"
            yield f"{s} <{SDO.longitude}> {literal(float(e.lon))} .\n"
    elif e.type == "practice" and e.parent:
        yield f"{s} <{SKOS.broader}> <{e.parent}> .\n"
        yield f"<{e.parent}> <{SKOS.narrower}> {s} .\n"


_REL = {kind: (_n(cls), _n(prop)) for kind, (cls, prop) in RELATION_KINDS.items()}


def _relation(r: Relation) -> Iterator[str]:
    cls, prop = _REL[r.kind]
    n = _iri(relation_iri(r.kind, r.subject, r.object))
    s, o = _iri(r.subject), _iri(r.object)
    yield (f"{n} {_A} {cls} .\n{n} {_SUBJ} {s} .\n{n} {_OBJ} {o} .\n"
           f"{n} {_WEIGHT} {_int(r.weight)} .\n{s} {prop} {o} .\n")
    for doc_id, idx in r.passages:
        yield f"{n} {_DERIVED} <{passage_iri(doc_id, idx)}> .\n"
    if r.kind == "worksWith":
        yield f"{o} {prop} {s} .\n"


def _discovered(c: ConceptInfo) -> Iterator[str]:
    s = _iri(c.iri)
    yield f"{s} {_A} <{SKOS.Concept}> .\n"
    yield f"{s} <{SKOS.inScheme}> <{SCHEME_DISCOVERED}> .\n"
    yield f"{s} <{SKOS.prefLabel}> {literal(c.label)} .\n"
    yield f"{s} <{FN.discovered}> {literal(True)} .\n"
    yield f"{s} <{SKOS.notation}> {literal(c.key, '')} .\n"
    for b in c.broader:
        yield f"{s} <{SKOS.broader}> <{b}> .\n"
    yield f"<{SCHEME_DISCOVERED}> {_A} <{SKOS.ConceptScheme}> .\n"
