"""Small lookups several pages need, computed once per knowledge-base revision.

Labels of entities and the metadata of notes are needed to draw chips and
result cards; asking the facade for them one by one on every rerun would be
slow on the 7,941-note corpus, so they are cached and keyed on
:func:`fieldnotes.explorer.common.revision`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import streamlit as st

from fieldnotes.explorer.common import Chip, revision

__all__ = [
    "EntityInfo",
    "entity_index",
    "doc_chips",
    "cached_entity_index",
]


@dataclass(frozen=True)
class EntityInfo:
    """What a chip or a hover needs to know about an entity."""

    iri: str
    label: str
    type: str
    kind: str
    mentions: int = 0


def entity_index(entities: Iterable[Any]) -> dict[str, EntityInfo]:
    """IRI → :class:`EntityInfo` from ``kb.entities()``."""
    return {
        e.iri: EntityInfo(e.iri, e.label, e.type, e.kind, int(e.mentions or 0)) for e in entities
    }


# A resource, not cache_data: cache_data hands every caller an unpickled copy,
# 0.3 s per search for the ~50,000 entities of the thaigov corpus. The one
# shared index is read-only (frozen entries behind a read-only mapping).
@st.cache_resource(show_spinner=False, max_entries=4)
def _entity_index(_kb: Any, rev: str) -> Mapping[str, EntityInfo]:
    return MappingProxyType(entity_index(_kb.entities()))


def cached_entity_index(kb: Any) -> Mapping[str, EntityInfo]:
    """:func:`entity_index` of ``kb`` (read-only), cached until the knowledge base
    changes and shared by every session."""
    return _entity_index(kb, revision(kb))


def doc_chips(
    mentions: Iterable[tuple[Any, str | None]],
    index: Mapping[str, EntityInfo],
    *,
    per_type: int = 4,
) -> list[Chip]:
    """Chips for a note: its most mentioned actors, areas and practices.

    Args:
        mentions: ``kb.doc_mentions(doc_id)``.
        index: :func:`entity_index` of the knowledge base.
        per_type: at most this many chips of each type.

    Returns:
        Actors first, then areas, then practices; within a type by mentions in
        this note, then label.
    """
    counts: dict[str, int] = defaultdict(int)
    for _mention, iri in mentions:
        if iri and iri in index:
            counts[iri] += 1
    by_type: dict[str, list[Chip]] = defaultdict(list)
    for iri, n in sorted(counts.items(), key=lambda kv: (-kv[1], index[kv[0]].label)):
        info = index[iri]
        if len(by_type[info.type]) < per_type:
            by_type[info.type].append(Chip(iri, info.label, info.type, n))
    return [c for t in ("actor", "area", "practice") for c in by_type.get(t, [])]
