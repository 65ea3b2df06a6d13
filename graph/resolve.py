"""Entity resolution: stored mentions -> one entity (one IRI) per real actor, area or practice.

Rules:

- **Actors** are grouped by the normalised canonical name (the mention's
  ``key``, else its surface; see :func:`graph.names.match_key`): NFC, Thai
  digits as Arabic, lower case, without spaces, dots and ``ฯ``; people without
  their titles (นาย, นางสาว, รศ.ดร. …); ``ม.<name>`` read as ``มหาวิทยาลัย<name>``. Known acronym pairs
  (``alias_pairs``) map an alias to its full name, so พอช. and
  สถาบันพัฒนาองค์กรชุมชน become one entity that keeps both labels.
- **Areas** are keyed by DOPA code (``id/area/900307``); every ancestor
  (district, province) is added so the ``containedInPlace`` chain is complete.
  An area mention with no key (an ambiguous name such as หนองสาหร่าย) becomes
  **no entity**: guessing a place is worse than leaving it out, as the issue
  says. It stays in the store, and a curation ``merge`` from its surface to an
  area pins it.
- **Practices** are keyed by concept id; the IRI is the scheme's concept IRI.

The curation file (:mod:`graph.curation`) is replayed last, in order, on every
resolution, so corrections survive re-ingest. IRIs derive from keys, never
from counters, so they are stable across rebuilds.

Example:
    >>> entities, by_mention = resolve(rows, Curation.load(home / "curation.json"))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

from graph.curation import Curation, CurationAction
from graph.mentions import MentionRow
from graph.models import Entity
from graph.names import display_name, match_key, strip_titles
from graph.vocab import actor_iri, area_iri, key_hash, practice_iri

__all__ = [
    "AreaInfo",
    "ConceptInfo",
    "Resolution",
    "resolve",
]

@dataclass(frozen=True)
class AreaInfo:
    """What the gazetteer knows about an area code (from ``graph.areas.area``)."""

    code: str
    kind: str
    label: str
    label_en: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class ConceptInfo:
    """What the practice scheme knows about a concept id (from ``graph.practices``)."""

    key: str
    iri: str
    label: str
    label_en: str | None = None
    broader: tuple[str, ...] = ()
    discovered: bool = False


@dataclass(frozen=True)
class Resolution:
    """The outcome of :func:`resolve`.

    Unpacks as ``entities, mention_entity = resolve(...)``.

    Attributes:
        entities: every entity, sorted by type, then mentions (most first), then label.
        mention_entity: mention row id -> entity IRI (unresolved areas are absent).
        replaced: IRI that a curation merge or retype retired -> the IRI that replaced it.
        lookup_keys: entity IRI -> normalised labels and codes it can be looked up by.
        warnings: curation actions that could not be applied, and why.
    """

    entities: list[Entity]
    mention_entity: dict[int, str]
    replaced: dict[str, str] = field(default_factory=dict)
    lookup_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[object]:
        return iter((self.entities, self.mention_entity))

    def by_iri(self) -> dict[str, Entity]:
        """Entities keyed by IRI."""
        return {e.iri: e for e in self.entities}


class _Draft:
    """A mutable entity under construction (private to this module).

    Counters of surfaces, keys and kinds are kept up to date as mentions come
    and go, because they are read many times (indexes, labels, aliases).
    """

    __slots__ = ("type", "norm", "iri", "code", "label", "mentions", "info", "concept", "kind_set",
                 "former", "surf", "keyed", "kinds", "_keys")

    def __init__(self, type_: str, norm: str, iri: str, code: str | None = None) -> None:
        self.type = type_
        self.norm = norm
        self.iri = iri
        self.code = code
        self.label: str | None = None  # preferred label when fixed (rename, split)
        self.mentions: list[MentionRow] = []
        self.info: AreaInfo | None = None
        self.concept: ConceptInfo | None = None
        self.kind_set: str | None = None  # kind fixed by retype
        self.former: list[str] = []  # labels replaced by a rename, kept as aliases
        self.surf: Counter[str] = Counter()
        self.keyed: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self._keys: set[str] | None = None

    def add(self, ms: Iterable[MentionRow]) -> None:
        for m in ms:
            self.mentions.append(m)
            self.surf[display_name(m.label)] += 1
            self.kinds[m.kind] += 1
            if m.key and m.type == "actor":
                self.keyed[display_name(m.key)] += 1
        self._keys = None

    def keep_only(self, ms: list[MentionRow]) -> None:
        self.mentions, self.surf, self.keyed, self.kinds = [], Counter(), Counter(), Counter()
        self.add(ms)

    def changed(self) -> None:
        self._keys = None

    def keys(self) -> set[str]:
        if self._keys is None:
            out = {self.norm} | {match_key(s) for s in self.surf}
            if self.label:
                out.add(match_key(self.label))
            out.update(match_key(f) for f in self.former)
            if self.code:
                out.add(self.code)
            self._keys = {k for k in out if k}
        return self._keys

    def kind(self) -> str:
        if self.kind_set:
            return self.kind_set
        if self.info:
            return self.info.kind
        if not self.kinds:
            return "practice" if self.type == "practice" else "place"
        return sorted(self.kinds.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def pref_label(self) -> str:
        if self.label:
            return self.label
        if self.concept:
            return self.concept.label
        if self.info:
            return self.info.label
        counts = self.keyed or self.surf
        if self.type == "actor" and self.kinds.get("person"):
            counts = Counter({strip_titles(k): v for k, v in counts.items()})
        return sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def resolve(
    rows: Iterable[MentionRow],
    curation: Curation | None = None,
    *,
    doc_sources: Mapping[str, str] | None = None,
    areas: Callable[[str], AreaInfo | None] | None = None,
    concepts: Callable[[str], ConceptInfo | None] | None = None,
    alias_pairs: Iterable[tuple[str, str]] = (),
) -> Resolution:
    """Resolve stored mentions to entities, then replay the curation.

    Args:
        rows: stored mentions (``graph.mentions.iter_mentions``).
        curation: corrections to replay in order (default none).
        doc_sources: ``doc_id -> source path`` for :attr:`Entity.docs` (default: the ids).
        areas: gazetteer lookup by code (labels, parents, coordinates).
        concepts: scheme lookup by concept id (IRI, labels, broader).
        alias_pairs: ``(alias, full name)`` pairs, e.g. ``("พอช.", "สถาบันพัฒนาองค์กรชุมชน")``.

    Returns:
        The entities and the mention -> entity map (see :class:`Resolution`).
    """
    aliases = {match_key(a, kind="organisation"): match_key(f, kind="organisation")
               for a, f in alias_pairs}
    drafts: dict[tuple[str, str], _Draft] = {}
    unresolved: dict[str, list[MentionRow]] = {}
    for m in rows:
        if m.type == "area" and not m.key:
            unresolved.setdefault(match_key(m.label), []).append(m)
            continue
        group = _group_key(m, aliases)
        d = drafts.get(group)
        if d is None:
            d = drafts[group] = _new_draft(m.type, group[1], areas, concepts)
        d.add((m,))
    state = _State(drafts, unresolved, areas, concepts)
    for i, action in enumerate(curation.actions if curation else [], start=1):
        problem = state.apply(action)
        if problem:
            state.warnings.append(f"curation action {i} ({action.op}): {problem}")
    state.add_ancestors()
    return state.finish(doc_sources or {})


def _group_key(m: MentionRow, aliases: Mapping[str, str]) -> tuple[str, str]:
    if m.type == "area":
        return ("area", str(m.key))
    if m.type == "practice":
        return ("practice", m.key or match_key(m.label))
    norm = match_key(m.key or m.label, kind=m.kind)
    if m.kind != "person":
        norm = aliases.get(norm, norm)
        if m.key is None:
            norm = aliases.get(match_key(m.label, kind=m.kind), norm)
    return ("actor", norm)


def _new_draft(
    type_: str,
    norm: str,
    areas: Callable[[str], AreaInfo | None] | None,
    concepts: Callable[[str], ConceptInfo | None] | None,
) -> _Draft:
    if type_ == "area":
        d = _Draft("area", norm, area_iri(norm), code=norm)
        d.info = areas(norm) if areas else None
        return d
    if type_ == "practice":
        c = concepts(norm) if concepts else None
        d = _Draft("practice", norm, c.iri if c else practice_iri(norm), code=norm)
        d.concept = c
        return d
    return _Draft(type_, norm, _iri_for(type_, norm))


def _iri_for(type_: str, norm: str) -> str:
    if type_ == "actor":
        return actor_iri(norm)
    if type_ == "practice":
        return practice_iri(norm)
    return area_iri(f"h{key_hash(norm)}")


class _State:
    """Drafts plus the indexes a curation action needs to find entities by name."""

    def __init__(
        self,
        drafts: dict[tuple[str, str], _Draft],
        unresolved: dict[str, list[MentionRow]],
        areas: Callable[[str], AreaInfo | None] | None,
        concepts: Callable[[str], ConceptInfo | None] | None,
    ) -> None:
        self.by_iri: dict[str, _Draft] = {d.iri: d for d in drafts.values()}
        self.unresolved = unresolved
        self.areas = areas
        self.concepts = concepts
        self.replaced: dict[str, str] = {}
        self.warnings: list[str] = []
        self.index: dict[str, set[str]] = {}
        for d in self.by_iri.values():
            self._index(d)

    def _index(self, d: _Draft) -> None:
        for k in d.keys():
            self.index.setdefault(k, set()).add(d.iri)

    def _unindex(self, d: _Draft) -> None:
        for k in d.keys():
            s = self.index.get(k)
            if s:
                s.discard(d.iri)

    def find(self, ref: str) -> tuple[_Draft | None, str | None]:
        iri = ref.strip()
        for _ in range(len(self.replaced)):
            if iri not in self.replaced:
                break
            iri = self.replaced[iri]
        if iri in self.by_iri:
            return self.by_iri[iri], None
        hits = [self.by_iri[i] for i in sorted(self.index.get(match_key(ref), ())) if i in self.by_iri]
        if not hits:
            hits = [self.by_iri[i] for i in self.index.get(match_key(ref, kind="person"), ())
                    if i in self.by_iri]
        if len(hits) > 1:
            # Written exactly so beats spelled alike (พอช. vs a split-off พอช).
            exact = display_name(ref)
            for pick in (lambda d: d.pref_label() == exact, lambda d: exact in d.surf,
                         lambda d: match_key(d.pref_label()) == match_key(ref)):
                chosen = [d for d in hits if pick(d)]
                if len(chosen) == 1:
                    hits = chosen
                    break
        if len(hits) == 1:
            return hits[0], None
        if not hits:
            return None, f"no entity named {ref!r} (give an IRI or a label from `fieldnotes entities`)"
        names = ", ".join(sorted(f"{d.iri} ({d.type})" for d in hits))
        return None, f"{ref!r} names several entities ({names}); use the IRI"

    def apply(self, a: CurationAction) -> str | None:
        if a.op == "merge":
            return self._merge(a.source or "", a.target or "")
        d, problem = self.find(a.entity or "")
        if d is None:
            return problem
        if a.op == "rename":
            self._unindex(d)
            d.former.append(d.pref_label())
            d.label = display_name(a.label or "")
            d.changed()
            self._index(d)
        elif a.op == "retype":
            return self._retype(d, a.type or d.type, a.kind or d.kind())
        elif a.op == "split":
            return self._split(d, a.alias or "")
        return None

    def _merge(self, source: str, target: str) -> str | None:
        t, problem = self.find(target)
        if t is None and self.areas is not None and self.areas(target.strip()) is not None:
            # An area code as target pins a place nobody has mentioned yet.
            t = _new_draft("area", target.strip(), self.areas, self.concepts)
            self.by_iri[t.iri] = t
            self._index(t)
        if t is None:
            return f"target: {problem}"
        s, problem = self.find(source)
        if s is None:
            moved = self.unresolved.pop(match_key(source), None)
            if moved is None:
                return f"source: {problem}"
            self._unindex(t)
            t.add(moved)
            self._index(t)
            return None
        if s is t:
            return f"{source!r} and {target!r} are already one entity"
        if s.type != t.type:
            return f"cannot merge a {s.type} into a {t.type}; retype {source!r} first"
        self._absorb(t, s)
        return None

    def _absorb(self, t: _Draft, s: _Draft) -> None:
        self._unindex(s)
        self._unindex(t)
        t.add(s.mentions)
        del self.by_iri[s.iri]
        self._retire(s.iri, t.iri)
        self._index(t)
        # The retired names keep leading to the target.
        for k in s.keys():
            self.index.setdefault(k, set()).add(t.iri)

    def _split(self, d: _Draft, alias: str) -> str | None:
        # The alias exactly as written (พอช without the dot is not พอช.); only if
        # no mention is written so, the normalised form.
        exact = display_name(alias)
        key = match_key(alias)
        same = (lambda m: display_name(m.label) == exact) if exact in d.surf \
            else (lambda m: match_key(m.label) == key)
        moving = [m for m in d.mentions if same(m)]
        if not moving:
            return f"{d.pref_label()!r} has no mention written {alias!r}"
        if len(moving) == len(d.mentions):
            return f"every mention of {d.pref_label()!r} is written {alias!r}; nothing to split"
        self._unindex(d)
        d.keep_only([m for m in d.mentions if not same(m)])
        self._index(d)
        iri = _iri_for(d.type, key)
        new = self.by_iri.get(iri)
        if new is None:
            new = _Draft(d.type, key, iri)
            new.label = exact
            new.kind_set = Counter(m.kind for m in moving).most_common(1)[0][0]
            self.by_iri[iri] = new
        else:
            self._unindex(new)
        new.add(moving)
        self._index(new)
        return None

    def _retype(self, d: _Draft, type_: str, kind: str) -> str | None:
        d.kind_set = kind
        if type_ == d.type:
            return None
        label = d.pref_label()
        self._unindex(d)
        del self.by_iri[d.iri]
        old = d.iri
        # The entity keeps the label it had (a gazetteer or scheme name too).
        d.type, d.info, d.concept, d.code, d.label = type_, None, None, None, label
        d.changed()
        d.iri = _iri_for(type_, match_key(label))
        self._retire(old, d.iri)
        other = self.by_iri.get(d.iri)
        if other is None:
            self.by_iri[d.iri] = d
            self._index(d)
        else:
            self._unindex(other)
            other.add(d.mentions)
            self._index(other)
        return None

    def _retire(self, old: str, new: str) -> None:
        # Retyping back and forth must not leave a cycle old -> new -> old.
        self.replaced.pop(new, None)
        self.replaced[old] = new

    def add_ancestors(self) -> None:
        if self.areas is None:
            return
        for d in list(self.by_iri.values()):
            info = d.info
            seen = 0
            while info is not None and info.parent and seen < 8:
                seen += 1
                iri = area_iri(info.parent)
                if iri in self.by_iri:
                    break
                parent = _Draft("area", info.parent, iri, code=info.parent)
                parent.info = self.areas(info.parent)
                self.by_iri[iri] = parent
                info = parent.info

    def finish(self, doc_sources: Mapping[str, str]) -> Resolution:
        entities: list[Entity] = []
        mention_entity: dict[int, str] = {}
        lookup: dict[str, tuple[str, ...]] = {}
        for d in self.by_iri.values():
            label = d.pref_label()
            aliases = [s for s, _ in sorted(d.surf.items(), key=lambda kv: (-kv[1], kv[0]))
                       if s != label]
            aliases += [f for f in dict.fromkeys(d.former) if f != label and f not in aliases]
            docs = sorted({doc_sources.get(m.doc_id, m.doc_id) for m in d.mentions})
            parent = None
            if d.info and d.info.parent:
                parent = area_iri(d.info.parent)
            elif d.concept and d.concept.broader:
                parent = d.concept.broader[0]
            info, concept = d.info, d.concept
            label_en = info.label_en if info else concept.label_en if concept else None
            entities.append(Entity(
                d.iri, d.type, d.kind(), label, tuple(aliases), tuple(docs), len(d.mentions), parent,
                d.code, label_en, info.lat if info else None, info.lon if info else None))
            for m in d.mentions:
                mention_entity[m.id] = d.iri
            lookup[d.iri] = tuple(sorted(d.keys() | {match_key(a) for a in aliases}))
        entities.sort(key=lambda e: (e.type, -e.mentions, e.label, e.iri))
        return Resolution(entities, mention_entity, dict(self.replaced), lookup, self.warnings)
