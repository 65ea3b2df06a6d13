"""Small lookups several pages need, computed once per knowledge-base revision.

Labels of entities and the metadata of notes are needed to draw chips and
result cards; asking the facade for them one by one on every rerun would be
slow on the 7,941-note corpus, so they are cached and keyed on
:func:`fieldnotes.explorer.common.revision`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any, Iterable, Mapping

import streamlit as st

from fieldnotes.explorer.common import Chip, revision

__all__ = [
    "call_supported",
    "as_record",
    "as_records",
    "EntityInfo",
    "entity_index",
    "doc_chips",
    "cached_entity_index",
]


def call_supported(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``fn`` with the keyword arguments it accepts; returns ``(result, dropped names)``.

    Empty filters are never passed. A knowledge base of an older version may
    lack an option (e.g. ``network(area=...)``); the page then says the filter
    was not applied instead of failing.
    """
    import inspect

    given = {k: v for k, v in kwargs.items() if v not in (None, (), [], "")}
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **given), []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(*args, **given), []
    dropped = [k for k in given if k not in params]
    return fn(*args, **{k: v for k, v in given.items() if k in params}), dropped


def as_record(item: Any) -> dict[str, Any]:
    """A facade result as a plain dict, whether it came as a dict or as a data object.

    The facade documents dicts; some graph queries return frozen dataclasses with
    a ``to_json()``; the pages read both the same way.
    """
    if isinstance(item, Mapping):
        return dict(item)
    if hasattr(item, "to_json"):
        return dict(item.to_json())
    if is_dataclass(item):
        return asdict(item)  # type: ignore[arg-type]
    raise TypeError(f"cannot read {type(item).__name__} as a record")


def as_records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """:func:`as_record` of each item."""
    return [as_record(i) for i in items]


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


@st.cache_data(show_spinner=False, max_entries=4)
def _entity_index(_kb: Any, rev: str) -> dict[str, EntityInfo]:
    return entity_index(_kb.entities())


def cached_entity_index(kb: Any) -> dict[str, EntityInfo]:
    """:func:`entity_index` of ``kb``, cached until the knowledge base changes."""
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
