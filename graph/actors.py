"""Actors found by rules: organisations by their heads, plus acronyms and people.

Thai writes no spaces between words, so the hard part of a name is its end.
Names are read over the entity tokens of :func:`graph.ner_tokens.segment` (the
project's tokeniser, entity-friendly) from a head (``กระทรวง``, ``มูลนิธิ``,
``เครือข่าย`` … in ``graph/data/org_heads.txt``) and stop at whitespace,
punctuation, a stop word (``graph/data/name_stops.txt``: function words, verbs,
roles), another head, a title or a place prefix (``จ.``, ``ตำบล`` …). Known full
names (the acronym table) are matched whole, so
``กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์`` keeps its ``และ`` and ``ของ``.
``เครือข่าย…`` is a network, ``กลุ่ม…``/``ชมรม…`` a group.

:func:`find_actors` joins these with acronyms (:mod:`graph.acronyms`) and people
(:mod:`graph.people`). The key of an organisation is its full name
(``พอช.`` → ``สถาบันพัฒนาองค์กรชุมชน``), of a person the name without titles.

Example:
    >>> [(m.label, m.kind) for m in find_actors("เครือข่ายกองทุนหมู่บ้านต.กะหรอ ร่วมกับพอช.")]
    [('เครือข่ายกองทุนหมู่บ้าน', 'network'), ('พอช.', 'organisation')]
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from graph.acronyms import acronym_table, find_acronyms, full_names
from graph.lexicon import (
    PLACE_PREFIXES,
    area_names,
    country_names,
    dictionary_words,
    is_common,
    name_stops,
    org_heads,
    person_titles,
)
from graph.models import Mention
from graph.ner_tokens import segment
from graph.people import author_mentions, find_people
from ingest.models import Token

__all__ = [
    "find_actors",
    "find_organisations",
    "find_people",
    "author_mentions",
    "resolve_overlaps",
]

# A word of a name: Thai, maybe with digits and inner spaces when the tokeniser's
# dictionary holds it whole ("สัจจะลดรายจ่ายวันละ 1 บาท").
_NAME_WORD = re.compile(r"^(?=.*[\u0e01-\u0e4e])[\u0e01-\u0e4e0-9 .]+$")
# Heads of a unit that is part of a larger body written right after it:
# หน่วยประสานงานมหาวิทยาลัยวลัยลักษณ์, สำนักงานสถาบันพัฒนาองค์กรชุมชน.
_SUBUNIT_HEADS = frozenset({"หน่วย", "สำนักงาน", "สำนัก", "ศูนย์", "คณะ", "กอง", "ภาควิชา"})
_PARENT_HEADS = frozenset({"มหาวิทยาลัย", "กระทรวง", "กรม", "สถาบัน", "มูลนิธิ", "สมาคม", "ธนาคาร"})
_MAX_NAME_TOKENS = 12
_INNER_SPACE = re.compile(r"(?<=[\u0e01-\u0e4e])\s+(?=[\u0e01-\u0e4e])")
# Words (or word beginnings) that start like a head but name no body: กรมธรรม์
# (insurance policy), หน่วยงาน (agency), พรรคการเมือง (political parties).
_GENERIC_WORDS = frozenset(
    {
        "หน่วยงาน", "กลุ่มคน", "กรมธรรม์", "คณะทำงาน", "ศูนย์กลาง", "สภาพ", "สภาวะ",
        "กองทุน", "กองเลขา", "คณะบุคคล", "กลุ่มเป้าหมาย", "โครงการวิจัย", "สถาบันการศึกษา",
        "สถาบันการเงิน", "ศาลา", "กองกำลัง", "ชุมนุมชน", "พรรคการเมือง", "พรรคร่วมรัฐบาล",
        "พรรคฝ่ายค้าน", "กลุ่มการเมือง", "คณะผู้แทน", "คณะผู้บริหาร", "กองถ่าย", "ศูนย์ประสานงาน",
        "โครงการก่อสร้าง", "กลุ่มผู้", "กลุ่มนัก", "กลุ่มชาว", "คณะนัก", "องค์การมหาชน",
        "สถาบันอุดมศึกษา", "พรรคพวก", "คณะมนตรี",
    }
)
# Words after a head that make it a type of body, not a name: "หน่วยสนับสนุน".
_GENERIC_TAILS = frozenset(
    {
        "งาน", "สนับสนุน", "ที่เกี่ยวข้อง", "เกี่ยวข้อง", "ภาครัฐ", "เอกชน", "ราชการ",
        "ต่างๆ", "ต่าง", "ทั้งหมด", "ใหญ่", "ย่อย", "หลัก", "ดังกล่าว", "เรียนรู้",
        "การเงิน", "วิจัย", "วิชาการ", "ปฏิบัติการ", "คน", "ใหม่", "เดิม", "นี้", "นั้น",
        "ทำงาน", "ชาวบ้าน", "ผู้สูงอายุ", "เป้าหมาย", "สมาชิก", "ต้นแบบ", "อื่น", "อื่นๆ",
        "จัดการ", "เดียว", "ใด", "หลาย", "หนึ่ง", "แห่งหนึ่ง", "ต่างประเทศ", "ผู้ประกอบการ",
        "นักลงทุน", "ประชาชน", "ผู้บริโภค", "เปราะบาง", "เสี่ยง", "ดังกล่าว", "นั้นๆ", "เลขา",
        "แห่ง", "ไทย", "รัฐ", "ต่างชาติ", "สังกัด", "ดัง", "ทั่วโลก", "เดียวกัน",
    }
)
_TAIL_STARTS = tuple(sorted(_GENERIC_TAILS, key=len, reverse=True))
# A common word after a name written in one token ends it (TNC count above this).
_PREDICATE_COUNT = 3_000
# Nouns that may follow เพื่อ inside a name (ThaiNER 1.5 train ORGANIZATION spans):
# ธนาคารเพื่อการเกษตร…, สถาบัน…เพื่อสังคม. Elsewhere เพื่อ opens a purpose clause.
_PURPOSE_NOUNS = frozenset(
    {
        "สังคม", "ชุมชน", "ประชาชน", "สุขภาพ", "ผู้บริโภค", "สิทธิมนุษยชน", "ประชาธิปไตย",
        "เด็ก", "เยาวชน", "สตรี", "ผู้สูงอายุ", "คนพิการ", "ท้องถิ่น", "เกษตรกร", "สิ่งแวดล้อม",
        "คุณภาพชีวิต", "ธุรกิจ", "ความร่วมมือ", "ชุมชนเป็นสุข", "สันติภาพ", "ความยั่งยืน",
    }
)
# Place words that end an organisation's name (เครือข่ายกองทุนหมู่บ้านต.กะหรอ);
# บ้าน/หมู่บ้าน/หมู่ also occur inside names (สมาคมนักพัฒนาหมู่บ้าน), so they do not.
_ORG_PLACE_STOPS = PLACE_PREFIXES - {"บ้าน", "หมู่บ้าน", "หมู่", "หมู่ที่", "ภาค"}


@lru_cache(maxsize=1)
def _prefix_lengths() -> tuple[tuple[int, ...], tuple[int, ...]]:
    heads = sorted({len(h) for h in org_heads()}, reverse=True)
    generic = sorted({len(g) for g in _GENERIC_WORDS}, reverse=True)
    return tuple(heads), tuple(generic)


@lru_cache(maxsize=100_000)
def _head(word: str) -> str | None:
    """The longest organisation head ``word`` starts with, unless it is a generic word."""
    head_lengths, generic_lengths = _prefix_lengths()
    for n in generic_lengths:
        if word[:n] in _GENERIC_WORDS:
            return None  # กองทุนหมู่บ้าน starts with กอง but is a fund, not a division
    heads = org_heads()
    for n in head_lengths:
        if n <= len(word) and word[:n] in heads:
            return word[:n]
    return None


@lru_cache(maxsize=1)
def _known_automaton() -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for name, acr in full_names().items():
        auto.add_word(name, (name, acr.kind))
    auto.make_automaton()
    return auto


def _known_names(text: str) -> list[Mention]:
    """Full names of the acronym table written out (``สถาบันพัฒนาองค์กรชุมชน``)."""
    found = []
    for end_idx, (name, kind) in _known_automaton().iter(text):
        start = end_idx + 1 - len(name)
        # Found through the acronym table, so as sure as an acronym: source "acronym".
        found.append(Mention(start, end_idx + 1, name, "actor", kind, name, "acronym"))
    return found


def _gap(text: str, a: Token, b: Token) -> str:
    return text[a.end : b.start]


def _is_stop(word: str) -> bool:
    return word in name_stops() or not _NAME_WORD.match(word) or word in _ORG_PLACE_STOPS


def _org_end(text: str, toks: Sequence[Token], i: int, people: dict[int, Mention]) -> int:
    """Index past the last token of the organisation name that starts at token ``i``."""
    heads = org_heads()
    j = i + 1
    bare = toks[i].text in heads
    while j < len(toks) and j - i < _MAX_NAME_TOKENS:
        gap = _gap(text, toks[j - 1], toks[j])
        # "ชุมนุม สหกรณ์…": a bare head, one space, another head is one name.
        if gap and not (gap == " " and bare and j == i + 1 and _head(toks[j].text)):
            break
        word = toks[j].text
        prev = toks[j - 1].text
        if toks[j].start in people:
            # A foundation named after a person: มูลนิธิดร.ครูชบ ยอดแก้ว.
            end = people[toks[j].start].end
            while j < len(toks) and toks[j].start < end:
                j += 1
            break
        if word == "ฯ":
            return j + 1  # "ฯ" abbreviates the rest of a name and ends it
        if prev == "แห่ง":
            j += 1  # แห่งประเทศไทย, แห่งชาติ, แห่งจังหวัด…
            continue
        if word in ("และ", "เพื่อ", "ของ"):
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if word == "เพื่อ" and nxt is not None and _head(toks[i].text) != "โครงการ" and not (
                nxt.text.startswith("การ") or nxt.text in _PURPOSE_NOUNS
            ):
                break  # a purpose clause, except in project names
            if (
                nxt is None
                or _gap(text, toks[j], nxt)
                or _is_stop(nxt.text)
                or _head(nxt.text)
                or nxt.text in person_titles()
                or nxt.text in acronym_table()
                or word == "ของ"
            ):
                break
            j += 1
            continue
        if word == "แห่ง":
            j += 1
            continue
        head = _head(word)
        if head and not (bare and j == i + 1):
            if head in _PARENT_HEADS and _head(toks[i].text) in _SUBUNIT_HEADS:
                return _org_end(text, toks, j, people)
            break
        if word in _ORG_PLACE_STOPS and not (bare and j == i + 1):
            break
        if word in person_titles() or word in acronym_table():
            break
        if _is_stop(word) and not (bare and j == i + 1 and word in area_names()):
            break
        # After a whole name in one token (พรรคประชาธิปัตย์, องค์การอนามัยโลก) a
        # common word is the predicate: "…พอใจผลสำรวจ", "…แนะนำ".
        if (not bare and j == i + 1 and is_common(word, _PREDICATE_COUNT)
                and word not in PLACE_PREFIXES and word not in area_names()):
            break
        j += 1
    return j


def _org_kind_and_key(label: str) -> tuple[str, str]:
    # Thai names have no spaces: "ชุมนุม สหกรณ์…" is ชุมนุมสหกรณ์… with a typo.
    name = _INNER_SPACE.sub("", label)
    head = _head(name) or ""
    kind = org_heads().get(head, "organisation")
    known = full_names()
    if name in known:
        return known[name].kind, name
    # The office of a known body is that body: สำนักงานสถาบันพัฒนาองค์กรชุมชน.
    if head == "สำนักงาน" and name[len(head):] in known:
        return "organisation", name[len(head):]
    return kind, name


def _is_generic(toks: Sequence[Token], i: int, j: int) -> bool:
    first = toks[i].text
    if first in _GENERIC_WORDS or _generic_label("".join(t.text for t in toks[i:j])):
        return True
    rest = [t.text for t in toks[i + 1 : j]]
    if first in org_heads() and rest == ["ฯ"]:
        return True  # "กระทรวงฯ", "สภาฯ": the ministry already named
    if first in org_heads() and not rest:
        return True  # a bare head: "กรม", "เครือข่าย"
    return bool(rest) and all(w in _GENERIC_TAILS for w in rest)


def _generic_label(label: str) -> bool:
    """A type of body written whole, whatever the tokens: the tokeniser cuts
    หน่วยงานหลัก as หน่วย|งานหลัก and keeps สำนักงานใหญ่ and ต่าง ๆ as one token."""
    name = label.replace(" ", "")
    for word in _GENERIC_WORDS:
        # หน่วยงานหลักรับผิดชอบ: a type of body, a tail, then the predicate.
        if name.startswith(word) and (name == word or name[len(word):].startswith(_TAIL_STARTS)):
            return True
    head = _head(name)
    # กองทัพไทย, การบินไทย, สภากาชาดไทย: one token, one body, though ไทย is a tail.
    return head is not None and name[len(head):] in _GENERIC_TAILS - {"ไทย", "รัฐ"}


def _runs_past_known(text: str, start: int, end: int, known: dict[int, int]) -> bool:
    """Whether a name read by the rules is a known full name with words glued after it.

    After ``คณะรัฐมนตรี`` or ``กระทรวงการคลัง`` what follows is the predicate
    (``คณะรัฐมนตรีรับทราบ``, ``กระทรวงการคลังกู้เงิน``) or the title of a regulation
    (``…ว่าด้วยการเบิกเงิน``), except ``แห่ง…`` and ``ฯ`` (the same body) and a country
    (``กระทรวงการต่างประเทศสาธารณรัฐประชาธิปไตยประชาชนลาว``: another one). Generic
    bodies (องค์การบริหารส่วนตำบล) are followed by their place's name.
    """
    stop = known.get(start)
    if stop is None or end <= stop:
        return False
    rest = text[stop:end].strip()
    if rest.startswith(("แห่ง", "ฯ")) or full_names()[text[start:stop]].generic:
        return False
    return not any(rest.startswith(c) for c in ("สาธารณรัฐ", "ราชอาณาจักร", *country_names()))


def find_organisations(
    text: str, toks: Sequence[Token] | None = None, people: Sequence[Mention] = ()
) -> list[Mention]:
    """Organisations, networks and groups named by a head, one per stretch of text.

    Args:
        text: the text.
        toks: its tokens from :func:`graph.ner_tokens.segment` (computed if not given).
        people: person mentions, so a name may run into one (``มูลนิธิดร.ครูชบ ยอดแก้ว``).
    """
    toks = segment(text) if toks is None else toks
    by_start = {p.start: p for p in people}
    out: list[Mention] = list(_known_names(text))
    known = {m.start: m.end for m in out}
    i = 0
    while i < len(toks):
        word = toks[i].text
        if word == "ชุมนุม" and not (i + 1 < len(toks) and _head(toks[i + 1].text) == "สหกรณ์"):
            i += 1  # ชุมนุม is a rally; only ชุมนุมสหกรณ์… is a body
            continue
        # Universities written "ม.<name>": ม.วลัยลักษณ์ is มหาวิทยาลัยวลัยลักษณ์.
        if word == "ม." and i + 1 < len(toks) and not _gap(text, toks[i], toks[i + 1]):
            full = "มหาวิทยาลัย" + toks[i + 1].text
            if full in dictionary_words() or full in full_names():
                out.append(Mention(toks[i].start, toks[i + 1].end,
                                   text[toks[i].start : toks[i + 1].end],
                                   "actor", "organisation", full, "rules"))
                i += 2
                continue
        if _head(word) is None:
            i += 1
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in org_heads() and nxt and not _gap(text, toks[i], nxt) and nxt.text in acronym_table():
            # กระทรวงพม.: the head and the acronym name one body.
            acr = acronym_table()[nxt.text]
            out.append(Mention(toks[i].start, nxt.end, text[toks[i].start : nxt.end],
                               "actor", acr.kind, acr.full_name, "acronym"))
            i += 2
            continue
        j = _org_end(text, toks, i, by_start)
        if not _is_generic(toks, i, j) and not _runs_past_known(
            text, toks[i].start, toks[j - 1].end, known
        ):
            start, end = toks[i].start, toks[j - 1].end
            label = text[start:end]
            kind, key = _org_kind_and_key(label)
            out.append(Mention(start, end, label, "actor", kind, key, "rules"))
        i = max(j, i + 1)
    return resolve_overlaps(out)


def resolve_overlaps(mentions: Sequence[Mention]) -> list[Mention]:
    """One mention per stretch of text: the longest wins, then the earlier one given.

    Deterministic: ties are broken by start, then by the order the mentions were
    given (put the more specific finder first).
    """
    order = sorted(
        range(len(mentions)),
        key=lambda n: (-(mentions[n].end - mentions[n].start), mentions[n].start, n),
    )
    taken = bytearray(max((m.end for m in mentions), default=0))
    keep: list[Mention] = []
    for n in order:
        m = mentions[n]
        if m.end <= m.start or taken.find(1, m.start, m.end) >= 0:
            continue
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        keep.append(m)
    return sorted(keep, key=lambda m: (m.start, m.end))


def find_actors(text: str) -> list[Mention]:
    """Every actor the rules find: acronyms, organisations, people; overlaps resolved.

    Example:
        >>> [(m.label, m.key) for m in find_actors("ของพม.และพอช.")]
        [('พม.', 'กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์'), ('พอช.', 'สถาบันพัฒนาองค์กรชุมชน')]
    """
    return list(_find_actors(text))


@lru_cache(maxsize=8)
def _find_actors(text: str) -> tuple[Mention, ...]:
    # Cached: extract() and the tagger (which reads the rules as features) both ask.
    toks = segment(text)
    people = find_people(text, toks)
    orgs = find_organisations(text, toks, people)
    return tuple(resolve_overlaps([*find_acronyms(text), *orgs, *people]))
