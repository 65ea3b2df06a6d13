"""What entity resolution works with and gives: gazetteer and scheme facts, the result.

:class:`AreaInfo` and :class:`ConceptInfo` are what the gazetteer and the practice
scheme tell :func:`graph.resolve.resolve` about a code or a concept;
:class:`Resolution` is what it returns. All three are re-exported by
:mod:`graph.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from graph.models import Entity

__all__ = ["AreaInfo", "ConceptInfo", "Resolution"]


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
