"""The project vocabulary, the standard vocabularies we reuse, and how IRIs are made.

Namespace choice: terms live in ``https://w3id.org/fieldnotes/ns#`` and data
(documents, passages, mentions, entities) under ``https://w3id.org/fieldnotes/id/``.
w3id.org is the community service for permanent identifiers; the IRIs are
identifiers first, they need not resolve, and they never depend on the machine
or the home folder, so two knowledge bases built from the same notes name the
same things the same way.

Standard vocabularies are used wherever one fits (W3C ORG for organisations,
FOAF for people, schema.org for places, SKOS for practices, PROV for
provenance, Dublin Core terms for documents); :class:`FN` only holds what none
of them says: mentions and passages with character offsets, the three derived
relations, their weight, and the gazetteer code.

IRIs are derived from keys, never from counters, so they are stable across
rebuilds: ``id/area/900307`` (DOPA code), ``id/actor/<hash>`` (hash of the
normalised canonical name, because Thai in an IRI is legal but breaks many
tools), ``id/doc/<doc id>/p3`` (passage 3), ``id/doc/<doc id>/m120-125-actor``.

Example:
    >>> from graph.vocab import FN, area_iri
    >>> str(FN.worksOn)
    'https://w3id.org/fieldnotes/ns#worksOn'
    >>> area_iri("900307")
    'https://w3id.org/fieldnotes/id/area/900307'
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "FN",
    "NS",
    "ID",
    "DCTERMS",
    "FOAF",
    "ORG",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "XSD",
    "PREFIXES",
    "SCHEME_DISCOVERED",
    "RELATION_KINDS",
    "sparql_prologue",
    "doc_iri",
    "passage_iri",
    "mention_iri",
    "actor_iri",
    "area_iri",
    "practice_iri",
    "relation_iri",
    "key_hash",
]

NS = "https://w3id.org/fieldnotes/ns#"
#: Base of every data IRI (documents, passages, mentions, entities, graphs).
ID = Namespace("https://w3id.org/fieldnotes/id/")


class FN(DefinedNamespace):
    """The fieldnotes vocabulary (``fn:``).

    Classes and properties that standard vocabularies lack. Referencing a term
    that is not listed here raises ``AttributeError`` (``_fail``), so a typo
    cannot silently mint a new term.
    """

    _fail = True
    _NS = Namespace(NS)

    # -- classes ---------------------------------------------------------------------
    Document: URIRef  # a stored note (GotoKnow post, report, news item); also prov:Entity
    Passage: URIRef  # a chunk of a document: the unit of evidence
    Mention: URIRef  # a span of a document that names an entity
    Network: URIRef  # เครือข่าย: a network of organisations or groups (an org:Organization)
    Group: URIRef  # กลุ่ม: a community group (an org:Organization)
    Region: URIRef  # ภาค: one of Thailand's regions (a schema:Place)
    WorksOn: URIRef  # relation: an actor works on a practice (co-occur in a passage)
    ActiveIn: URIRef  # relation: an actor is active in an area (co-occur in a passage)
    WorksWith: URIRef  # relation: two actors work together (co-occur in a passage)

    # -- properties ------------------------------------------------------------------
    start: URIRef  # character offset where a mention or passage starts in Document text
    end: URIRef  # end offset (exclusive)
    chunkIndex: URIRef  # position of a passage in its document (0-based)
    surface: URIRef  # the mention's text as written, e.g. "พอช."
    refersTo: URIRef  # mention -> the entity it names
    extractor: URIRef  # what found the mention: gazetteer, rules, acronym, tagger, scheme, comment
    entityType: URIRef  # "actor", "area" or "practice"
    kind: URIRef  # e.g. "organisation", "network", "subdistrict", "practice"
    lookupKey: URIRef  # normalised label or alias, for exact lookup with a bound literal
    mentionCount: URIRef  # number of mentions of an entity
    mentionedIn: URIRef  # entity -> document that mentions it
    worksOn: URIRef  # actor -> practice (direct form of fn:WorksOn)
    activeIn: URIRef  # actor -> area (direct form of fn:ActiveIn)
    worksWith: URIRef  # actor <-> actor (direct form of fn:WorksWith; symmetric)
    weight: URIRef  # number of distinct passages behind a relation
    dopaCode: URIRef  # Thai Department of Provincial Administration area code
    discovered: URIRef  # true for themes found by the machine, not curated


PREFIXES: dict[str, str] = {
    "fn": NS,
    "id": str(ID),
    "org": str(ORG),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

#: The concept scheme that holds machine-discovered themes.
SCHEME_DISCOVERED = str(ID) + "scheme/discovered"

#: Relation kind -> (class of the relation node, direct property). A relation
#: node links its ends with rdf:subject / rdf:object (RDF reification terms).
RELATION_KINDS: dict[str, tuple[str, str]] = {
    "worksOn": (str(FN.WorksOn), str(FN.worksOn)),
    "activeIn": (str(FN.ActiveIn), str(FN.activeIn)),
    "worksWith": (str(FN.WorksWith), str(FN.worksWith)),
}

_SAFE_KEY = re.compile(r"^[A-Za-z0-9._-]+$")


def sparql_prologue() -> str:
    """``PREFIX`` lines for every prefix in :data:`PREFIXES` (for hand-written queries)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def key_hash(key: str) -> str:
    """16 hex digits of SHA-256 of a normalised key: stable, short and IRI-safe."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def doc_iri(doc_id: str) -> str:
    """IRI of a document (the store's content id)."""
    return f"{ID}doc/{quote(doc_id, safe='')}"


def passage_iri(doc_id: str, index: int) -> str:
    """IRI of passage ``index`` of a document."""
    return f"{doc_iri(doc_id)}/p{int(index)}"


def mention_iri(doc_id: str, start: int, end: int, type_: str) -> str:
    """IRI of a mention: its document, span and type (one mention per span and type)."""
    return f"{doc_iri(doc_id)}/m{int(start)}-{int(end)}-{quote(type_, safe='')}"


def actor_iri(norm_key: str) -> str:
    """IRI of an actor from its normalised canonical name (see ``graph.names.match_key``)."""
    return f"{ID}actor/{key_hash(norm_key)}"


def area_iri(code: str) -> str:
    """IRI of an area from its DOPA code (``"900307"``) or region id (``"region:south"``)."""
    if _SAFE_KEY.match(code):
        return f"{ID}area/{code}"
    if re.match(r"^[a-z]+:[A-Za-z0-9._-]+$", code):
        # "region:south" -> area/region-south: readable, and ':' is awkward in a path.
        return f"{ID}area/{code.replace(':', '-')}"
    return f"{ID}area/h{key_hash(code)}"


def practice_iri(key: str) -> str:
    """IRI of a practice outside the curated scheme (discovered themes, retyped entities)."""
    if _SAFE_KEY.match(key):
        return f"{ID}practice/{key}"
    return f"{ID}practice/h{key_hash(key)}"


def relation_iri(kind: str, subject: str, obj: str) -> str:
    """IRI of a derived relation node; ``worksWith`` is symmetric, so its ends are sorted."""
    if kind == "worksWith" and obj < subject:
        subject, obj = obj, subject
    return f"{ID}rel/{kind}/{key_hash(subject + ' ' + obj)}"
