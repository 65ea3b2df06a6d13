"""Query expansion from the practice scheme: Thai words for practices named in English.

A facilitator may type English ("village fund network became a community
bank"). The notes are Thai, so BM25 finds nothing, and the dense ranking
alone must carry the query across languages. The SKOS scheme
(``graph/data/practices.ttl``) already holds the bridge: every practice has
Thai and English labels and sits under a broader practice.

:func:`expand_query` finds the practices a query names in Latin script
(English labels, and names such as KM or OTOP) and returns the Thai labels to
add to its BM25 terms: all of the practice's Thai labels, and those of its
broader practice unless that is a whole domain (a top concept). A community
bank (ธนาคารชุมชน) is a community financial institution (สถาบันการเงินชุมชน),
and a note about one answers a question about the other. The dense and sparse
rankings keep the query as typed.

Labels are compared word by word after Snowball stemming
(``snowballstemmer``), so "community bank" finds "Community banks" and
"village funds" finds "Village Fund".

Practices named in Thai are not expanded: adding their Thai synonyms
(กองทุนเงินล้าน → กองทุนหมู่บ้าน) lifted top-10 precision on thaigov only from
72.1 to 74.4 and moved the first hit of precise Thai queries ("ขับเคลื่อน
องค์กรการเงินและสวัสดิการชุมชนภาคใต้") to another note (measured with
``bench.expansion`` and ``tests/test_formats_agree.py``).

Example:
    >>> e = expand_query("village fund network became a community bank")
    >>> e.concepts
    ('village-fund', 'community-bank')
    >>> "สถาบันการเงินชุมชน" in e.terms
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.practices import Concept, PracticeScheme, load_scheme, match_form

__all__ = ["Expansion", "expand_query"]

_THAI = re.compile(r"[\u0e01-\u0e5b]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
# A query naming many practices is a list, not a question; past this many
# added labels the BM25 ranking would be about the expansion, not the query.
_MAX_TERMS = 24


@dataclass(frozen=True)
class Expansion:
    """What a query names in the practice scheme, and the Thai labels added for it.

    Attributes:
        concepts: keys (``skos:notation``) of the practices named, in query order.
        terms: Thai labels to add to the query's BM25 terms, each once, none
            already in the query.
    """

    concepts: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)


def expand_query(query: str, scheme: PracticeScheme | None = None) -> Expansion:
    """The practices ``query`` names in Latin script and the Thai labels to search for them.

    Args:
        query: the search text as typed.
        scheme: the practice scheme (default: the shipped one).

    Returns:
        An :class:`Expansion`; empty when the query names no practice in Latin script.

    Example:
        >>> expand_query("OTOP ของตำบล").terms
        ('หนึ่งตำบล หนึ่งผลิตภัณฑ์', 'โอทอป')
    """
    if not isinstance(query, str) or not query.strip():
        return Expansion()
    scheme = scheme or load_scheme()
    keys = list(dict.fromkeys(_english_matches(query, scheme)))
    said = match_form(query)
    terms: dict[str, None] = {}
    for key in keys:
        concept = scheme.concepts[key]
        broader = [scheme.concepts[b] for b in concept.broader if scheme.concepts[b].broader]
        for c in (concept, *broader):
            for label in _thai_labels(c):
                if match_form(label) not in said:
                    terms.setdefault(label, None)
    return Expansion(tuple(keys), tuple(terms)[:_MAX_TERMS])


def _thai_labels(concept: Concept) -> list[str]:
    """The concept's Thai labels: prefLabel first, then alt and hidden labels."""
    rest = (*concept.alt_labels, *concept.hidden_labels)
    return [concept.label, *(x for x in rest if _THAI.search(x))]


def _english_matches(query: str, scheme: PracticeScheme) -> list[str]:
    """Keys of the practices whose Latin-script labels the query holds, in order;
    compared word by word, stems.

    Longest label first at each word, and a matched run of words is not
    matched again inside (as the Thai automaton does).
    """
    words = list(_LATIN_WORD.finditer(query))
    if not words:
        return []
    index, longest = _english_index(scheme)
    stems = _stem([w.group() for w in words])
    out: list[str] = []
    i = 0
    while i < len(stems):
        for n in range(min(longest, len(stems) - i), 0, -1):
            key = index.get(tuple(stems[i : i + n]))
            if key is not None:
                out.append(key)
                i += n
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=8)
def _english_index(scheme: PracticeScheme) -> tuple[dict[tuple[str, ...], str], int]:
    """Stemmed English labels of the scheme → concept key, and the longest label in words."""
    index: dict[tuple[str, ...], str] = {}
    for concept in scheme.concepts.values():
        for label in (concept.label_en, *concept.alt_labels, *concept.hidden_labels):
            if _THAI.search(label):
                continue
            stems = tuple(_stem(_LATIN_WORD.findall(label)))
            if stems:
                index.setdefault(stems, concept.key)
    return index, max((len(k) for k in index), default=0)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _stem(words: list[str]) -> list[str]:
    return list(_stemmer().stemWords([w.lower() for w in words]))
