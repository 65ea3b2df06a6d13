"""Data classes of the knowledge graph: mentions found in text, the entities they resolve
to, and the answers of :mod:`graph.queries`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Mention", "Entity", "ENTITY_TYPES", "ActorRank", "Related", "MentionHit"]

#: The three entity types and the kinds each may take.
ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "actor": ("organisation", "network", "group", "person"),
    "area": ("region", "province", "district", "subdistrict", "village", "place"),
    "practice": ("practice",),
}


@dataclass(frozen=True)
class Mention:
    """A span of text that names an actor, an area or a practice.

    Attributes:
        start: character offset in the text given to ``graph.extract``.
        end: end offset (exclusive); ``text[start:end]`` is the surface form.
        label: the surface form as written, e.g. ``"พอช."``.
        type: ``actor``, ``area`` or ``practice``.
        kind: e.g. ``person``, ``organisation``, ``network``, ``province``,
            ``subdistrict``, ``region``, ``practice``.
        key: what the mention resolves to when known: a DOPA code for areas
            (``"900307"``), a concept id for practices, a canonical name for
            actors (``"สถาบันพัฒนาองค์กรชุมชน"`` for ``พอช.``); ``None`` if unresolved.
        source: what found it: ``gazetteer``, ``rules``, ``acronym``, ``tagger``,
            ``scheme``, ``comment``.
        doc_id: the document, when the mention was found in a stored document.
    """

    start: int
    end: int
    label: str
    type: str
    kind: str
    key: str | None = None
    source: str = "rules"
    doc_id: str | None = None


@dataclass(frozen=True)
class Entity:
    """One real-world actor, area or practice, with one IRI across documents.

    Attributes:
        iri: the entity's IRI.
        type: ``actor``, ``area`` or ``practice``.
        kind: see :data:`ENTITY_TYPES`.
        label: preferred (Thai) label.
        aliases: other names seen or curated (acronyms, variants).
        docs: sources of the documents that mention it.
        mentions: number of mentions.
        parent: IRI of the containing area (areas) or broader concept (practices).
        code: DOPA code for areas, concept notation for practices.
        label_en: English label where known.
        lat: latitude for areas, where known.
        lon: longitude for areas, where known.
    """

    iri: str
    type: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    mentions: int = 0
    parent: str | None = None
    code: str | None = None
    label_en: str | None = None
    lat: float | None = None
    lon: float | None = None

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape of ``fieldnotes entities --json``."""
        return {
            "iri": self.iri,
            "type": self.type,
            "kind": self.kind,
            "label": self.label,
            "aliases": list(self.aliases),
            "docs": list(self.docs),
            "mentions": self.mentions,
            "parent": self.parent,
            "code": self.code,
        }


@dataclass(frozen=True)
class ActorRank:
    """An actor ranked for a theme: how many passages tie it to the theme, and which."""

    iri: str
    label: str
    kind: str
    passages: int
    themes: tuple[str, ...]
    evidence: tuple[dict[str, object], ...]

    def to_json(self) -> dict[str, object]:
        """``{iri, label, kind, passages, themes, evidence: [{source, text, start, end, doc_id}]}``."""
        return {"iri": self.iri, "label": self.label, "kind": self.kind,
                "passages": self.passages, "themes": list(self.themes),
                "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Related:
    """A theme, area or partner of an actor, with the number of passages that tie them."""

    iri: str
    label: str
    type: str
    kind: str
    weight: int
    code: str | None = None
    discovered: bool = False

    def to_json(self) -> dict[str, object]:
        """``{iri, label, type, kind, weight, code, discovered}``."""
        return {"iri": self.iri, "label": self.label, "type": self.type, "kind": self.kind,
                "weight": self.weight, "code": self.code, "discovered": self.discovered}


@dataclass(frozen=True)
class MentionHit:
    """One mention of an entity, in place."""

    doc_id: str
    source: str
    start: int
    end: int
    surface: str
    passage: dict[str, object] | None

    def to_json(self) -> dict[str, object]:
        """``{doc_id, source, start, end, surface, passage}``."""
        return {"doc_id": self.doc_id, "source": self.source, "start": self.start,
                "end": self.end, "surface": self.surface, "passage": self.passage}
