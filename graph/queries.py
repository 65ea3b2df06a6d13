"""Questions a facilitator asks of the graph, answered with SPARQL and evidence.

Every answer that states a relation carries the passages behind it
(``{source, text, start, end, doc_id}``), so the explorer can show the note in
place. User text (a theme, an actor's name) is only ever *bound* to a query
variable, never pasted into the query; IRIs pasted into ``VALUES`` come from
the store itself and are written by pyoxigraph.

Example:
    >>> kg = KG(home, conn=store.conn)
    >>> [a.label for a in who(kg, "กองทุนหมู่บ้าน", k=5)]
    >>> themes_of(kg, "พอช.")
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Iterable, Sequence
from urllib.parse import unquote

import pyoxigraph as ox

from fieldnotes.errors import InputError, NotFoundError
from graph.kg import KG
from graph.mentions import passages
# The answer types live with the other graph models; importable from here too.
from graph.models import ENTITY_TYPES, ActorRank, Entity, MentionHit, Related
from graph.names import match_key
from graph.network import Hop
from graph.vocab import ID, doc_iri, relation_iri

__all__ = [
    "ActorRank",
    "Related",
    "MentionHit",
    "entities",
    "entity",
    "who",
    "themes_of",
    "areas_of",
    "partners_of",
    "shared_entities",
    "mentions_of_entity",
    "path",
]


def _values(iris: Iterable[str]) -> str:
    # str(NamedNode) is pyoxigraph's own N-Triples form: validated and escaped.
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def entities(kg: KG, type: str | None = None, *, mentioned_only: bool = True) -> list[Entity]:
    """Every entity (of one type), most mentioned first.

    Args:
        kg: the built graph.
        type: ``actor``, ``area``, ``practice`` or ``None`` for all.
        mentioned_only: leave out areas that are only there as a parent of a mentioned one.

    Raises:
        InputError: unknown type.
    """
    if type is not None and type not in ENTITY_TYPES:
        raise InputError(f"entity type {type!r} is not one of {', '.join(ENTITY_TYPES)}")
    found = [e for e in kg.entity_table().values()
             if (type is None or e.type == type) and (e.mentions or not mentioned_only)]
    found.sort(key=lambda e: (e.type, -e.mentions, e.label, e.iri))
    return found


def entity(kg: KG, ref: str, *, type: str | None = None) -> Entity:
    """An entity by IRI, label or alias (spacing, dots and titles do not matter).

    Example:
        >>> entity(kg, "ม.วลัยลักษณ์").label
        'มหาวิทยาลัยวลัยลักษณ์'

    Raises:
        NotFoundError: nothing matches; the message suggests close names.
    """
    return kg.entity_table()[_find(kg, ref, type)]


def _find(kg: KG, ref: str, type_: str | None = None) -> str:
    ref = (ref or "").strip()
    if not ref:
        raise InputError("give an entity: an IRI, a label or an alias")
    table = kg.entity_table()
    iri = kg.meta.get("replaced", {}).get(ref, ref)
    if iri in table and (type_ is None or table[iri].type == type_):
        return iri
    hits: set[str] = set()
    for key in {match_key(ref), match_key(ref, kind="person")}:
        hits.update(r["e"] for r in kg.sparql("SELECT ?e ?k WHERE { ?e fn:lookupKey ?k }", {"k": key}))
    found = [table[h] for h in hits if h in table and (type_ is None or table[h].type == type_)]
    if found:
        # One name for several entities: the one written exactly so (พอช split
        # from พอช.), else the most mentioned, is the likelier meaning.
        return sorted(found, key=lambda e: (e.label != ref, ref not in e.aliases,
                                            -e.mentions, e.iri))[0].iri
    raise NotFoundError(f"no {type_ or 'entity'} {ref!r}{_suggest(kg, ref, type_)}")


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return ":" in text


def _suggest(kg: KG, ref: str, type_: str | None) -> str:
    labels = sorted({n for e in kg.entity_table().values() if type_ is None or e.type == type_
                     for n in (e.label, *e.aliases)})
    close = [lab for lab in labels if ref in lab][:5]
    close += [c for c in difflib.get_close_matches(ref, labels, n=5, cutoff=0.5) if c not in close]
    if not close:
        return "; see `fieldnotes entities` for the names"
    return "; did you mean " + ", ".join(close[:5]) + "?"


_SKOS_LABELS = "skos:prefLabel|skos:altLabel|skos:hiddenLabel"
_NARROWER = "{ ?c skos:broader* ?t } UNION { ?t skos:narrower* ?c }"


def _theme_concepts(kg: KG, theme: str) -> list[str]:
    if _is_iri(theme) and kg.sparql("ASK { ?c a skos:Concept }", {"c": ox.NamedNode(theme)})[0]["ask"]:
        return [theme]
    key = match_key(theme)
    rows = kg.sparql(f"SELECT ?c ?l WHERE {{ ?c a skos:Concept ; {_SKOS_LABELS} ?l }}")
    found = sorted({r["c"] for r in rows if match_key(r["l"]) == key})
    if not found:
        try:  # a practice entity outside the scheme (retyped or discovered)
            found = [_find(kg, theme, "practice")]
        except NotFoundError:
            labels = sorted({r["l"] for r in rows})
            close = difflib.get_close_matches(theme, labels, n=5, cutoff=0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                "; see `fieldnotes entities --type practice`"
            raise NotFoundError(f"no theme {theme!r} in the practice scheme{hint}") from None
    return found


def who(kg: KG, theme: str, k: int = 10, *, evidence: int = 3) -> list[ActorRank]:
    """Actors who work on a theme (or a narrower one), ranked by the passages that say so.

    Args:
        kg: the built graph (with ``conn`` for passage text).
        theme: a practice by Thai or English label, alternative label or IRI.
        k: how many actors.
        evidence: passages per actor.

    Example:
        >>> [a.label for a in who(kg, "กองทุนหมู่บ้าน")]

    Raises:
        NotFoundError: the theme is not in the scheme.
    """
    concepts = kg.sparql(f"""SELECT DISTINCT ?c WHERE {{
        VALUES ?t {{ {_values(_theme_concepts(kg, theme))} }} {_NARROWER} }}""")
    pairs = kg.sparql(f"""SELECT ?a ?c WHERE {{ VALUES ?c {{ {_values(r["c"] for r in concepts)} }}
        ?a fn:worksOn ?c . }}""") if concepts else []
    if not pairs:
        return []
    # Relation nodes are named from their ends (graph.vocab.relation_iri), so
    # their weights are looked up directly instead of searched for.
    rel = {relation_iri("worksOn", r["a"], r["c"]): (r["a"], r["c"]) for r in pairs}
    upper: dict[str, int] = defaultdict(int)
    for r in kg.sparql(f"SELECT ?r ?w WHERE {{ VALUES ?r {{ {_values(rel)} }} ?r fn:weight ?w }}"):
        upper[rel[r["r"]][0]] += int(r["w"])
    # An actor's passages over several concepts may repeat, so the sum of
    # weights is an upper bound: count exactly, best bound first, until no
    # remaining bound can beat the k-th exact count.
    order = sorted(upper, key=lambda a: (-upper[a], a))
    exact: dict[str, set[str]] = {}
    themes: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(order), 64):
        batch = order[i : i + 64]
        best = sorted((len(v) for v in exact.values()), reverse=True)
        if len(best) >= k and upper[batch[0]] < best[k - 1]:
            break
        wanted = [r for r, (a, _) in rel.items() if a in set(batch)]
        for r in kg.sparql(f"""SELECT ?r ?p WHERE {{ VALUES ?r {{ {_values(wanted)} }}
                ?r prov:wasDerivedFrom ?p }}"""):
            a, c = rel[r["r"]]
            exact.setdefault(a, set()).add(r["p"])
            themes[a].add(c)
    ranked = sorted(exact, key=lambda a: (-len(exact[a]), a))[:k]
    labels = _labels(kg, {c for a in ranked for c in themes[a]})
    chosen = {a: sorted(exact[a], key=_passage_order)[:evidence] for a in ranked}
    texts = _evidence(kg, [p for ps in chosen.values() for p in ps])
    table = kg.entity_table()
    out = []
    for a in ranked:
        e = table.get(a)
        out.append(ActorRank(
            iri=a, label=e.label if e else a, kind=e.kind if e else "", passages=len(exact[a]),
            themes=tuple(sorted(labels.get(c, c) for c in themes[a])),
            evidence=tuple(texts[p] for p in chosen[a] if p in texts),
        ))
    return out


def _passage_order(iri: str) -> tuple[str, int]:
    doc, _, idx = iri.rpartition("/p")
    return (doc, int(idx) if idx.isdigit() else 0)


def _labels(kg: KG, iris: Iterable[str]) -> dict[str, str]:
    iris = sorted(set(iris))
    if not iris:
        return {}
    out: dict[str, str] = {}
    for r in kg.sparql(f"""SELECT ?x ?l WHERE {{ VALUES ?x {{ {_values(iris)} }}
            ?x skos:prefLabel ?l FILTER(lang(?l) != "en") }}"""):
        out.setdefault(r["x"], r["l"])
    return out


def _passage_ref(iri: str) -> tuple[str, int] | None:
    # Passage IRIs are <ID>doc/<doc id>/p<index> (graph.vocab.passage_iri): the
    # reference is read from the name rather than searched for in the graph.
    head, _, idx = iri.rpartition("/p")
    prefix = f"{ID}doc/"
    if not head.startswith(prefix) or not idx.isdigit():
        return None
    return unquote(head[len(prefix):]), int(idx)


def _evidence(kg: KG, passage_iris: Sequence[str]) -> dict[str, dict[str, object]]:
    refs = {p: ref for p in passage_iris if (ref := _passage_ref(p)) is not None}
    if not refs:
        return {}
    if kg.conn is not None:
        loaded = passages(kg.conn, refs.values())
        return {p: loaded[ref].to_json() for p, ref in refs.items() if ref in loaded}
    sources = _sources(kg, {ref[0] for ref in refs.values()})
    return {p: {"source": sources.get(ref[0]), "text": None, "start": None, "end": None,
                "doc_id": ref[0], "index": ref[1]} for p, ref in refs.items()}


_DIRECT = {"fn:WorksOn": ("worksOn", "fn:worksOn"), "fn:ActiveIn": ("activeIn", "fn:activeIn"),
           "fn:WorksWith": ("worksWith", "fn:worksWith")}


def _related(kg: KG, actor: str, kind: str) -> list[Related]:
    iri = _find(kg, actor, "actor")
    rel_kind, prop = _DIRECT[kind]
    ends = [r["o"] for r in kg.sparql(f"SELECT ?a ?o WHERE {{ ?a {prop} ?o }}", {"a": ox.NamedNode(iri)})]
    if not ends:
        return []
    # Relation nodes are named from their ends: look their weights up directly
    # (a pattern search from ?a scaled with the graph; this does not).
    rel = {relation_iri(rel_kind, iri, o): o for o in ends}
    weights = {rel[r["r"]]: int(r["w"]) for r in kg.sparql(
        f"SELECT ?r ?w WHERE {{ VALUES ?r {{ {_values(rel)} }} ?r fn:weight ?w }}")}
    table = kg.entity_table()
    labels = _labels(kg, [o for o in ends if o not in table])
    discovered = set()
    if kind == "fn:WorksOn":
        discovered = {r["c"] for r in kg.sparql(
            f"SELECT ?c WHERE {{ VALUES ?c {{ {_values(ends)} }} ?c fn:discovered true }}")}
    out = []
    for o in set(ends):
        e = table.get(o)
        out.append(Related(
            o, e.label if e else labels.get(o, o),
            e.type if e else ("practice" if kind == "fn:WorksOn" else ""),
            e.kind if e else ("practice" if kind == "fn:WorksOn" else ""),
            weights.get(o, 0), e.code if e else None, o in discovered,
        ))
    return sorted(out, key=lambda x: (-x.weight, x.label, x.iri))


def themes_of(kg: KG, actor: str) -> list[Related]:
    """The practices an actor works on (co-named in passages), strongest first.

    Raises:
        NotFoundError: unknown actor (with close names).
    """
    return _related(kg, actor, "fn:WorksOn")


def areas_of(kg: KG, actor: str) -> list[Related]:
    """The areas an actor is active in, strongest first."""
    return _related(kg, actor, "fn:ActiveIn")


def partners_of(kg: KG, actor: str) -> list[Related]:
    """The actors an actor works with, strongest first."""
    return _related(kg, actor, "fn:WorksWith")


def shared_entities(kg: KG, doc_a: str, doc_b: str) -> list[Entity]:
    """Actors, areas and practices two documents share (why two cases are similar).

    Args:
        doc_a: a document id.
        doc_b: another document id.
    """
    rows = kg.sparql("SELECT DISTINCT ?e ?a ?b WHERE { ?e fn:mentionedIn ?a . ?e fn:mentionedIn ?b . }",
                     {"a": ox.NamedNode(doc_iri(doc_a)), "b": ox.NamedNode(doc_iri(doc_b))})
    table = kg.entity_table()
    found = [table[r["e"]] for r in rows if r["e"] in table]
    return sorted(found, key=lambda e: (e.type, -e.mentions, e.label))


_MENTION = re.compile(r"^(?P<doc>.+)/m(?P<start>\d+)-(?P<end>\d+)-[^/]+$")


def mentions_of_entity(kg: KG, ref: str, *, limit: int | None = 100) -> list[MentionHit]:
    """Where an entity is named: each mention with its passage, in document order.

    Raises:
        NotFoundError: unknown entity.
    """
    iri = _find(kg, ref)
    rows = kg.sparql("""SELECT ?x ?m ?surface ?p WHERE { ?m fn:refersTo ?x ; fn:surface ?surface .
        OPTIONAL { ?m dcterms:isPartOf ?p } }""", {"x": ox.NamedNode(iri)})
    found = []
    for r in rows:
        # Mention IRIs are <doc IRI>/m<start>-<end>-<type> (graph.vocab.mention_iri).
        m = _MENTION.match(r["m"])
        if m is None or not m["doc"].startswith(f"{ID}doc/"):
            continue
        doc_id = unquote(m["doc"][len(f"{ID}doc/"):])
        found.append((doc_id, int(m["start"]), int(m["end"]), r["surface"], r["p"]))
    found.sort()
    found = found[:limit] if limit is not None else found
    ev = _evidence(kg, [f[4] for f in found if f[4]])
    sources = _sources(kg, {f[0] for f in found})
    return [MentionHit(doc, sources.get(doc, doc), s, e, surface, ev.get(p) if p else None)
            for doc, s, e, surface, p in found]


def _sources(kg: KG, doc_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    if kg.conn is not None:
        marks = ",".join("?" * len(ids))
        return dict(kg.conn.execute(f"SELECT id, source FROM documents WHERE id IN ({marks})", ids))
    rows = kg.sparql(f"""SELECT ?d ?id ?src WHERE {{ VALUES ?d {{ {_values(doc_iri(d) for d in ids)} }}
        ?d dcterms:identifier ?id ; dcterms:source ?src }}""")
    return {r["id"]: r["src"] for r in rows}


def path(kg: KG, a: str, b: str, *, max_evidence: int = 5) -> list[Hop]:
    """Shortest chain of partners between two actors, each hop with its passages."""
    loader = (lambda refs: passages(kg.conn, refs)) if kg.conn is not None else None
    return kg.network().shortest_path(a, b, passages=loader, max_evidence=max_evidence)
