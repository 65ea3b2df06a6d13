"""The entry point of extraction: every actor, area and practice mentioned in a text.

:func:`extract` runs the finders and merges what they find into one mention per
stretch of text:

* areas from the gazetteer (:func:`graph.areas.find_areas`),
* practices from the SKOS scheme (:func:`graph.practices.find_practices`),
* actors from the rules (:func:`graph.actors.find_actors`: acronyms,
  organisation heads, titles and name lists),
* the CRF tagger (:func:`graph.tagger.tag`), which also reads the rules, less
  its noise (list numbers, dates, law years: :mod:`graph.noise`).

How they combine (:func:`merge`) was chosen by measurement, exact spans
(``python -m bench.ner``; ``bench/results/ner_*.json``):

=================  ==============================  ==============================
system             ThaiNER 1.5 val (news) micro F1  seed posts (field notes), actors
=================  ==============================  ==============================
rules              0.630                            0.944 (P 0.962, R 0.927)
tagger             0.825                            0.649
combined (this)    0.806                            0.917 (P 0.917, R 0.917)
=================  ==============================  ==============================

The tagger wins on news for every type (PERSON 0.875, ORGANIZATION 0.821,
LOCATION 0.774; rules 0.785, 0.598, 0.500); the rules win on field notes, whose
networks, groups, units and acronyms the news-trained tagger rarely saw. So the
tagger's mentions come first, and the rules and the gazetteer win where they
know better: acronyms and the full names of the table, the areas of the
gazetteer (LOCATION 0.780, above the tagger), names the tagger cut short, list
items the tagger ran together; then everything else fills the gaps.

Example:
    >>> [(m.label, m.type, m.kind) for m in extract("เครือข่ายกองทุนหมู่บ้านต.กะหรอ ร่วมกับพอช.")]
    [('เครือข่ายกองทุนหมู่บ้าน', 'actor', 'network'), ('ต.กะหรอ', 'area', 'subdistrict'), ('พอช.', 'actor', 'organisation')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

from graph.lexicon import PLACE_PREFIXES, person_titles
from graph.models import Mention

if TYPE_CHECKING:
    from ingest.models import Document

__all__ = ["POLICY", "CERTAIN", "extract", "extract_document", "merge"]

#: Rank of each source when two mentions of the same length compete (lower wins).
#: On an identical span the resolved mention (a DOPA code, a full name) replaces
#: the tagger's, which carries no key.
POLICY: dict[str, int] = {
    "gazetteer": 0,
    "acronym": 1,
    "rules": 2,
    "comment": 2,
    "scheme": 3,
    "tagger": 4,
}
#: Sources whose mentions win any overlap, even with the tagger: exact matches
#: of the acronym table (acronyms and the full names they stand for).
CERTAIN: frozenset[str] = frozenset({"acronym"})


# A lone Thai letter and a dot opens a list item ("ก. พื้นที่…"); the tagger
# reads it as an abbreviation. Two-letter words (อ., ม., จ.) are titles or places.
_ENUMERATOR = re.compile(r"^[ก-ฮ]\.(?![ก-ฮ]\.)")
# What the tagger may add around an area that names nothing: a list number, a
# bracket, a dash ("ตำบลบางจาก 2" of "1) ตำบลบางจาก 2) ตำบลท่าไร่").
_NO_WORD = re.compile(r"[\s\d๐-๙.,;:()\[\]\-–/]+")


@lru_cache(maxsize=1)
def _letter_words() -> frozenset[str]:
    return frozenset(t for t in (*PLACE_PREFIXES, *person_titles()) if len(t) == 2)


def _rank(m: Mention) -> int:
    return POLICY.get(m.source, len(POLICY))


class _Cover:
    """Which characters are already covered by a kept mention."""

    def __init__(self, size: int) -> None:
        self._taken = bytearray(size)

    def free(self, m: Mention) -> bool:
        return m.start >= 0 and m.end > m.start and self._taken.find(1, m.start, m.end) < 0

    def take(self, m: Mention) -> None:
        self._taken[m.start : m.end] = b"\x01" * (m.end - m.start)


def _rule_wins(rule: Mention, tagged: Mention) -> bool:
    """Where a rule knows better than the tagger that overlaps it.

    An organisation's name the tagger cut short (``การรถไฟฟ้า…`` of which it saw
    ``รถไฟฟ้า…``), and a person the tagger started too early (``เชิญพี่ภีม``: the
    title says where the name starts).
    """
    if not (rule.start <= tagged.start and tagged.end <= rule.end):
        if rule.kind == "person" and tagged.kind == "person" and tagged.start < rule.start < tagged.end:
            # A word glued before the title is not part of the name ("เชิญ"); a
            # spaced title before it is ("ผู้ช่วยศาสตราจารย์ ดร.เกียรติ").
            prefix = tagged.label[: rule.start - tagged.start]
            glued = not any(c.isspace() for c in prefix) and not _starts_with_title(prefix)
            return glued and _starts_with_title(rule.label)
        return False
    longer = rule.end - rule.start > tagged.end - tagged.start
    return longer and rule.kind != "person" and tagged.kind != "person"


def _starts_with_title(label: str) -> bool:
    return any(label.startswith(t) for t in person_titles())


def _strictly_inside(c: Mention, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether a longer span of ``spans`` (sorted, disjoint) holds ``c``."""
    i = bisect_right(starts, c.start) - 1
    if i < 0:
        return False
    s, e = spans[i]
    return c.end <= e and e - s > c.end - c.start


def _longest_first(ms: Sequence[Mention]) -> list[Mention]:
    return sorted(ms, key=lambda m: (-(m.end - m.start), _rank(m), m.start))


def _place(m: Mention, areas: Sequence[Mention]) -> Mention | None:
    """A place of the tagger against the gazetteer's areas that overlap it.

    The tagger's place is dropped when it cuts across an area (``กิ่ง`` of
    ``กิ่งอ.นบพิตำ``) or joins several (``ภาคตะวันออกเฉียงเหนือ จังหวัดขอนแก่น``):
    the gazetteer's spans win. Around one area it is kept (``แม่น้ำปราจีนบุรี`` is
    a river, ``ภาคใต้ฝั่งตะวันตก`` a part of a region), and takes the area's code
    when all it adds is a place prefix (``จังหวัดตรัง`` around ``ตรัง``). When all
    it adds is a number or punctuation (``ตำบลบางจาก 2``, the next item's number
    of a list), the area wins.
    """
    over = [a for a in areas if a.start < m.end and m.start < a.end]
    if not over:
        return m
    if len(over) > 1 or not (m.start <= over[0].start and over[0].end <= m.end):
        return None
    area = over[0]
    extra = (m.label[: area.start - m.start] + m.label[area.end - m.start :]).strip()
    if _NO_WORD.fullmatch(extra):
        return None  # the tagger ran into the next list number: the area's span wins
    if extra in PLACE_PREFIXES:
        return Mention(m.start, m.end, m.label, "area", area.kind, area.key, area.source, m.doc_id)
    return m


def merge(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per stretch of text, sorted by start.

    In this order, each mention is kept only where nothing kept overlaps it:

    1. exact matches of the acronym table (:data:`CERTAIN`), unless the tagger
       found a longer name around one (มหาวิทยาลัยขอนแก่น วิทยาเขตหนองคาย);
    2. the tagger's mentions, except: one that swallows two actors or practices
       the rules see apart (it ran the items of a list together:
       ``ดร.ทิพวัลย์ อ.วิไลลักษณ์``); an organisation that is a list letter
       (``ก.``); one a rule knows better (:func:`_rule_wins`); a place that cuts
       across or joins areas of the gazetteer (:func:`_place`). On the very span
       of a tagger mention, what the gazetteer, the scheme or the rules found
       replaces it (it is resolved: a code, a concept, a full name);
    3. everything else (gazetteer areas, practices, rule-based actors), longest
       first, ties to the lower :data:`POLICY` rank, then the earlier start.

    Chosen by measurement on ThaiNER 1.5 validation (news) and on the seed
    posts (field notes): see the module docstring.
    """
    items = list(mentions)
    tagged = [m for m in items if m.source == "tagger"]
    certain = [m for m in items if m.source in CERTAIN]
    others = [m for m in items if m.source != "tagger" and m.source not in CERTAIN]
    # On the tagger's very span, what the gazetteer, the scheme or the rules say
    # wins whatever its type: it is resolved (องค์กรการเงินชุมชน is a practice).
    resolved: dict[tuple[int, int], Mention] = {}
    for m in sorted(certain + others, key=_rank, reverse=True):
        resolved[(m.start, m.end)] = m
    named = sorted((m.start, m.end) for m in certain + others if m.type in ("actor", "practice"))
    named_starts = [s for s, _ in named]
    places = sorted((m for m in others if m.type == "area"), key=lambda m: m.start)
    place_starts = [m.start for m in places]
    rule_actors = sorted((m for m in certain + others if m.type == "actor"), key=lambda m: m.start)
    actor_starts = [m.start for m in rule_actors]
    base: list[Mention] = []
    for m in tagged:
        lo, hi = bisect_left(named_starts, m.start), bisect_left(named_starts, m.end)
        inside = sum(1 for s, e in named[lo:hi] if e <= m.end and (s, e) != (m.start, m.end))
        if inside >= 2:
            continue
        if m.kind != "person" and _ENUMERATOR.match(m.label) and m.label[:2] not in _letter_words():
            continue  # ส.ศิวรักษ์ may be a person; "ก." before a list item is no body
        near = rule_actors[max(0, bisect_left(actor_starts, m.start) - 8) : bisect_left(actor_starts, m.end)]
        if m.type == "actor" and any(_rule_wins(r, m) for r in near):
            continue
        if m.type == "area":
            near = places[max(0, bisect_left(place_starts, m.start) - 4) : bisect_left(place_starts, m.end)]
            m = _place(m, near)
            if m is None:
                continue
        base.append(resolved.get((m.start, m.end), m))
    # A certain mention strictly inside one of the tagger's is left to the tagger.
    around = sorted((b.start, b.end) for b in base)
    around_starts = [s for s, _ in around]
    sure = [c for c in certain if not _strictly_inside(c, around, around_starts)]
    cover = _Cover(max((m.end for m in items), default=0))
    kept: list[Mention] = []
    for group in (sure, base, others + certain):
        for m in _longest_first(group):
            if cover.free(m):
                cover.take(m)
                kept.append(m)
    kept.sort(key=lambda m: (m.start, m.end))
    return kept


def _finders(tagger: bool) -> Sequence:
    from graph.actors import find_actors
    from graph.areas import find_areas
    from graph.practices import find_practices

    finders = [find_areas, find_practices, find_actors]
    if tagger:
        from graph.tagger import tag

        finders.append(tag)
    return finders


def extract(text: str, *, tagger: bool = True) -> list[Mention]:
    """Actors, areas and practices mentioned in ``text``, one mention per span, by start.

    Args:
        text: any Thai text (a whole document is fine; offsets point into it).
        tagger: also run the CRF tagger (slower; finds people and organisations
            the rules miss). ``False`` gives rules and gazetteer only.

    Returns:
        Mentions with ``start``/``end`` into ``text``, ``type`` (actor, area,
        practice), ``kind`` and ``key`` (canonical name, DOPA code or concept id;
        ``None`` where unresolved).
    """
    if not text or not text.strip():
        return []
    found: list[Mention] = []
    for finder in _finders(tagger):
        found.extend(finder(text))
    return merge(_cleaned(found, text))


def _cleaned(found: list[Mention], text: str) -> list[Mention]:
    """The finders' mentions without the tagger's noise (:mod:`graph.noise`)."""
    from graph.noise import about_practice, clean_tagged

    practices = sorted((m for m in found if m.type == "practice"), key=lambda m: m.start)
    out: list[Mention] = []
    for m in found:
        if m.source == "tagger":
            cleaned = clean_tagged(m, text)
            if cleaned is None or about_practice(cleaned, practices):
                continue
            m = cleaned
        out.append(m)
    return out


def extract_document(doc: Document, *, tagger: bool = True) -> list[Mention]:
    """Everything :func:`extract` finds in ``doc.text``, plus who wrote the comments.

    GotoKnow comment authors are people of the network even when nobody names
    them in the text. :func:`graph.people.author_mentions` points each author at
    their name in ``doc.text`` (the signature under the comment, or the name
    anywhere in the text); an author whose name is nowhere in the text gets no
    mention, since a mention must point at text.

    An author's mention replaces a person found on its very span (the same
    person, now known to have written here) and any mention of the tagger it
    overlaps (the author's name is known, the tagger's span is a guess); one that
    overlaps any other mention is left out, so mentions never overlap or repeat.

    Args:
        doc: a parsed document (``ingest.models.Document``).
        tagger: as for :func:`extract`.

    Returns:
        Mentions with offsets into ``doc.text``, sorted by start. Authors' mentions
        have source ``comment`` and ``doc_id`` set to ``doc.id``.

    Example:
        >>> [m.label for m in extract_document(doc) if m.source == "comment"]  # doctest: +SKIP
        ['ภีม ภคเมธาวี']
    """
    from graph.people import author_mentions

    found = extract(doc.text, tagger=tagger)
    authors = author_mentions(doc) if doc.comments else []
    if not authors:
        return found
    for a in authors:
        over = [m for m in found if m.start < a.end and a.start < m.end]
        same_person = [m for m in over if (m.start, m.end, m.kind) == (a.start, a.end, "person")]
        if any(m.source != "tagger" and m not in same_person for m in over):
            continue
        found = [m for m in found if m not in over] + [a]
    found.sort(key=lambda m: (m.start, m.end))
    return found
