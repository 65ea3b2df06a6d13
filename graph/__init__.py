"""Graph: mentions of actors, areas and practices, entities, RDF and the partner network."""

from __future__ import annotations

from graph.models import ENTITY_TYPES, Entity, Mention

__all__ = ["ENTITY_TYPES", "Entity", "Mention"]
