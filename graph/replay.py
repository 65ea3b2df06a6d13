"""The curation replayed on the drafts, then the drafts finished into entities.

:class:`Replay` holds the drafts of :func:`graph.resolve.resolve` with an index
by every name they can be looked up by, applies the curation actions (merge,
rename, retype, split) in order, adds the ancestors of every area, and turns the
drafts into :class:`graph.models.Entity` objects (:meth:`Replay.finish`).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Mapping

from graph.curation import CurationAction
from graph.drafts import Draft, iri_for, new_draft
from graph.mentions import MentionRow
from graph.models import Entity
from graph.names import display_name, match_key
from graph.resolution import AreaInfo, ConceptInfo, Resolution
from graph.vocab import area_iri

__all__ = ["Replay"]


class Replay:
    """Drafts plus the indexes a curation action needs to find entities by name."""

    def __init__(
        self,
        drafts: dict[tuple[str, str], Draft],
        unresolved: dict[str, list[MentionRow]],
        areas: Callable[[str], AreaInfo | None] | None,
        concepts: Callable[[str], ConceptInfo | None] | None,
    ) -> None:
        self.by_iri: dict[str, Draft] = {d.iri: d for d in drafts.values()}
        self.unresolved = unresolved
        self.areas = areas
        self.concepts = concepts
        self.replaced: dict[str, str] = {}
        self.warnings: list[str] = []
        self.index: dict[str, set[str]] = {}
        for d in self.by_iri.values():
            self._index(d)

    def _index(self, d: Draft) -> None:
        for k in d.keys():
            self.index.setdefault(k, set()).add(d.iri)

    def _unindex(self, d: Draft) -> None:
        for k in d.keys():
            s = self.index.get(k)
            if s:
                s.discard(d.iri)

    def find(self, ref: str) -> tuple[Draft | None, str | None]:
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
            t = new_draft("area", target.strip(), self.areas, self.concepts)
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

    def _absorb(self, t: Draft, s: Draft) -> None:
        self._unindex(s)
        self._unindex(t)
        t.add(s.mentions)
        del self.by_iri[s.iri]
        self._retire(s.iri, t.iri)
        self._index(t)
        # The retired names keep leading to the target.
        for k in s.keys():
            self.index.setdefault(k, set()).add(t.iri)

    def _split(self, d: Draft, alias: str) -> str | None:
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
        iri = iri_for(d.type, key)
        new = self.by_iri.get(iri)
        if new is None:
            new = Draft(d.type, key, iri)
            new.label = exact
            new.kind_set = Counter(m.kind for m in moving).most_common(1)[0][0]
            self.by_iri[iri] = new
        else:
            self._unindex(new)
        new.add(moving)
        self._index(new)
        return None

    def _retype(self, d: Draft, type_: str, kind: str) -> str | None:
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
        d.iri = iri_for(type_, match_key(label))
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
                parent = Draft("area", info.parent, iri, code=info.parent)
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
