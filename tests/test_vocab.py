"""The project vocabulary and the IRI scheme (graph/vocab.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from graph.names import match_key
from graph.vocab import (
    FN,
    NS,
    PREFIXES,
    actor_iri,
    area_iri,
    doc_iri,
    mention_iri,
    passage_iri,
    practice_iri,
    relation_iri,
    sparql_prologue,
)


def test_terms_are_iris_in_the_project_namespace() -> None:
    assert isinstance(FN.worksOn, URIRef)
    assert str(FN.Mention) == NS + "Mention"
    assert str(FN.refersTo).startswith("https://w3id.org/fieldnotes/ns#")


def test_unknown_term_is_an_error_not_a_new_term() -> None:
    with pytest.raises(AttributeError):
        FN.worksOnn  # noqa: B018 - a typo must not mint a term


def test_iris_are_valid_and_free_of_thai() -> None:
    iris = [
        actor_iri(match_key("สถาบันพัฒนาองค์กรชุมชน")),
        area_iri("900307"),
        area_iri("region:south"),
        practice_iri("village-fund"),
        practice_iri("สัจจะวันละบาท"),
        doc_iri("21ac50ef819e8998"),
        passage_iri("21ac50ef819e8998", 3),
        mention_iri("21ac50ef819e8998", 120, 125, "actor"),
    ]
    for iri in iris:
        ox.NamedNode(iri)  # raises on an invalid IRI
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in iri), iri
    assert area_iri("900307").endswith("/area/900307")
    assert area_iri("region:south").endswith("/area/region-south")


def test_actor_iri_derives_from_the_normalised_name() -> None:
    # Spacing and dots do not make another entity; another name does.
    a = actor_iri(match_key("สถาบัน พัฒนาองค์กรชุมชน"))
    assert a == actor_iri(match_key("สถาบันพัฒนาองค์กรชุมชน"))
    assert a != actor_iri(match_key("สำนักงานพัฒนาชุมชน"))


def test_works_with_is_symmetric_other_relations_are_not() -> None:
    a, b = actor_iri("ก"), actor_iri("ข")
    assert relation_iri("worksWith", a, b) == relation_iri("worksWith", b, a)
    assert relation_iri("worksOn", a, b) != relation_iri("worksOn", b, a)


def test_prologue_declares_every_prefix() -> None:
    store = ox.Store()
    assert bool(store.query(sparql_prologue() + "ASK { ?s fn:worksOn ?o }")) is False
    assert set(PREFIXES) >= {"fn", "org", "foaf", "schema", "skos", "prov", "dcterms"}
