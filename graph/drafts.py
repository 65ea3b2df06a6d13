"""Entities under construction while mentions are grouped and the curation is replayed.

A :class:`Draft` keeps the mentions of one would-be entity with running counts
of how they are written, so labels, aliases and lookup keys are cheap to read
again and again; :func:`new_draft` starts one with what the gazetteer or the
scheme knows, :func:`iri_for` gives the stable IRI of a key.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from graph.mentions import MentionRow
from graph.names import display_name, match_key, strip_titles
from graph.resolution import AreaInfo, ConceptInfo
from graph.vocab import actor_iri, area_iri, key_hash, practice_iri

__all__ = ["Draft", "new_draft", "iri_for"]


class Draft:
    """A mutable entity under construction (used by resolution only).

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


def new_draft(
    type_: str,
    norm: str,
    areas: Callable[[str], AreaInfo | None] | None,
    concepts: Callable[[str], ConceptInfo | None] | None,
) -> Draft:
    if type_ == "area":
        d = Draft("area", norm, area_iri(norm), code=norm)
        d.info = areas(norm) if areas else None
        return d
    if type_ == "practice":
        c = concepts(norm) if concepts else None
        d = Draft("practice", norm, c.iri if c else practice_iri(norm), code=norm)
        d.concept = c
        return d
    return Draft(type_, norm, iri_for(type_, norm))


def iri_for(type_: str, norm: str) -> str:
    if type_ == "actor":
        return actor_iri(norm)
    if type_ == "practice":
        return practice_iri(norm)
    return area_iri(f"h{key_hash(norm)}")
