"""People found by rules: titles, PyThaiNLP's name lists, GotoKnow comment authors.

A person is a title (``นาย``, ``รศ.ดร.``, ``อ.`` … in ``graph/data/person_titles.txt``)
followed by a name, or a first and a family name confirmed by PyThaiNLP's name
lists (Thai Male and Female Names Corpus, CC BY-SA 4.0, used at run time, not
copied). Thai glues words together, so a name ends at a space, a stop word or a
role (``graph/data/name_stops.txt``: ``นายอลงกรณ์ พลบุตรรองหัวหน้า…`` →
``นายอลงกรณ์ พลบุตร``). Weak titles are also words (``พี่``, ``คุณ``, ``พระ``,
``ครู``, ``อ.``) and need a real name after them; ``อ.`` before a district is
อำเภอ. The label keeps the titles, the key drops them.

Example:
    >>> [(m.label, m.key) for m in find_people("จากหัวข้อของรศ.ดร.ปัทมาวดี โพชนุกูล และอ.จะนะ")]
    [('รศ.ดร.ปัทมาวดี โพชนุกูล', 'ปัทมาวดี โพชนุกูล')]
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from graph.acronyms import acronym_table
from graph.lexicon import (
    PLACE_PREFIXES,
    area_names,
    dictionary_words,
    family_names,
    first_names,
    head_of,
    is_common,
    is_namey,
    name_stops,
    org_heads,
    person_titles,
    strip_title,
)
from graph.models import Mention
from graph.ner_tokens import segment
from ingest.models import Document, Token

__all__ = ["find_people", "author_mentions"]

_THAI_RUN = re.compile(r"^[\u0e01-\u0e4e]+$")
# Weak titles before these are roles or words: คุณอำนวย, คุณเอื้อ, พระเอก.
_ROLE_WORDS = frozenset({"อำนวย", "เอื้อ", "กิจ", "ภาพ", "ค่า", "สมบัติ", "ลักษณะ", "เอก", "สงฆ์"})
_THAI_NUMBERS = ("หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ", "ร้อย", "พัน")
# A word glued after a name that is this common (TNC count) is not a family name alone.
_GLUED_WORD_COUNT = 1_500


@lru_cache(maxsize=1)
def _person_stops() -> frozenset[str]:
    return name_stops() | {"และ", "ของ", "เพื่อ", "หรือ", "แห่ง"}


def _gap(text: str, a: Token, b: Token) -> str:
    return text[a.end : b.start]


def _org_word(word: str) -> bool:
    """An organisation's head or a body's name in the word list: a name stops there.

    A first name may start like a head (กองเกียรติ), so only bare heads and
    dictionary compounds (กรมการพัฒนาชุมชน) count.
    """
    if word in org_heads():
        return True
    return head_of(word) is not None and word in dictionary_words() and word not in first_names()


def _name_run(text: str, toks: Sequence[Token], j: int) -> int:
    """Index past a run of Thai tokens starting at ``j`` with no space between them."""
    k = j
    while k < len(toks) and k - j < 6:
        if k > j and _gap(text, toks[k - 1], toks[k]):
            break
        w = toks[k].text
        # A weak title (คุณ) can be a syllable of a name: วิทยาคุณสกุลชัย.
        if not _THAI_RUN.match(w) or (k > j and (_org_word(w) or person_titles().get(w) == "strong"
                                                  or w in PLACE_PREFIXES)):
            break
        k += 1
    return k


def _joined(toks: Sequence[Token], a: int, b: int) -> str:
    return "".join(t.text for t in toks[a:b])


def _ends_name(word: str) -> bool:
    """A word glued after a name that is not part of it: a stop word, a role, a verb.

    Only listed words (name_stops.txt): word frequency cannot tell, names are
    made of frequent words too (ศรี, สุข, ทอง).
    """
    return word in _person_stops()


def _given_end(toks: Sequence[Token], j: int, k: int) -> int:
    """End of a first name inside a glued run: นายสมัครกล่าว -> สมัคร, พี่ภีมด้วนนะคะ -> ภีม."""
    if _joined(toks, j, k) in first_names():
        return k
    # The longest known first name, when what follows is a particle or a verb.
    for m in range(k - 1, j, -1):
        if _joined(toks, j, m) in first_names() and any(_ends_name(t.text) for t in toks[m:k]):
            return m
    for m in range(j + 1, k):
        if _ends_name(toks[m].text):
            return m
    return k


def _surname(text: str, toks: Sequence[Token], k: int) -> int | None:
    """Index past a family name written after one space at token ``k``, else ``None``."""
    if k >= len(toks) or _gap(text, toks[k - 1], toks[k]) not in (" ", "  "):
        return None
    first = toks[k].text
    if person_titles().get(first) == "strong" or _org_word(first) or first in PLACE_PREFIXES:
        return None
    run = _name_run(text, toks, k)
    if first in _person_stops():
        # จึงรุ่งเรืองกิจ is a family name; "จึงกล่าวว่า" is not.
        return run if _joined(toks, k, run) in family_names() else None
    # Up to the first stop word or role glued after it (พลบุตรรองหัวหน้า).
    end = k + 1
    while end < run and not _ends_name(toks[end].text):
        end += 1
    name = _joined(toks, k, end)
    if is_common(first, _GLUED_WORD_COUNT) and end == k + 1 and name not in first_names():
        return None  # "นายสมชาย กล่าว…": a common word on its own is not a family name
    if name in family_names() or is_namey(name) or (name in first_names() and not is_common(name)):
        return end
    return None


@lru_cache(maxsize=1)
def _upcountry_places() -> frozenset[str]:
    # "อ.<name>" is อำเภอ only outside Bangkok (Bangkok has เขต): อ.ประเวศ is a person.
    import geothai

    bangkok = {d.name_th for d in geothai.districts("10")}
    bangkok |= {n[3:] for n in bangkok if n.startswith("เขต")}
    return area_names() - bangkok


def _place_at(text: str, pos: int) -> bool:
    """Whether an up-country area name starts at ``pos`` (อ.สุไหงโก-ลก, ต.กะหรอ)."""
    places = _upcountry_places()
    return any(text[pos : pos + n] in places for n in range(2, min(24, len(text) - pos) + 1))


def _weak_title_ok(title: str, given: str, has_family: bool) -> bool:
    """Whether a weak title (อ., พี่, คุณ, พระ, ครู, น้อง) is followed by a real name."""
    if given in _ROLE_WORDS or is_common(given):
        return False
    if has_family or given in first_names():
        return True
    if title == "อ.":
        # อ. glued to a word that is not a place is อาจารย์ (อ.ยุทธภัณฑ์).
        return len(given) >= 2
    # พี่มิบ: not a place and not a word, so a name the lists miss.
    return title != "พระ" and is_namey(given)


def _title_len(text: str, toks: Sequence[Token], i: int) -> int:
    """Tokens of the title at ``i``: 1, or 2 for a rank cut in two (``พล.`` + ``อ.``), else 0."""
    titles = person_titles()
    if (i + 1 < len(toks) and not _gap(text, toks[i], toks[i + 1])
            and toks[i].text + toks[i + 1].text in titles):
        return 2
    return 1 if toks[i].text in titles else 0


def _after_number(text: str, start: int) -> bool:
    # "ตำรวจ 4 นาย", "กว่า 2,000 นาย": นาย counts police and soldiers.
    before = text[max(0, start - 12) : start].rstrip()
    return bool(before) and (before[-1].isdigit() or before.endswith(_THAI_NUMBERS))


def find_people(text: str, toks: Sequence[Token] | None = None) -> list[Mention]:
    """People by title (``นาย``, ``ดร.``, ``อ.`` …) and by PyThaiNLP's name lists.

    ``อ.`` before a district name is อำเภอ, not a person; weak titles (``พี่``,
    ``คุณ``, ``พระ``, ``อ.``, ``ครู``) need a known first name or a family name;
    a title and a word that make a Thai word (นายอำเภอ, พระบารมี) are that word.
    """
    toks = segment(text) if toks is None else toks
    titles = person_titles()
    words = dictionary_words()
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        if not _title_len(text, toks, i) or (toks[i].text == "นาย" and _after_number(text, toks[i].start)):
            i += 1
            continue
        j = i
        strong = False
        last = ""
        while j < len(toks) and (n := _title_len(text, toks, j)) and (
            j == i or not _gap(text, toks[j - 1], toks[j])
        ):
            last = _joined(toks, j, j + n)
            strong = strong or titles[last] == "strong"
            j += n
        if j >= len(toks):
            break
        gap = _gap(text, toks[j - 1], toks[j])
        # "นาย สมชาย" happens; "อ. วิไลลักษณ์" too rarely to risk "อ. เมือง".
        if gap and not (strong and gap == " "):
            i = j
            continue
        first = toks[j].text
        if (first in _person_stops() or _org_word(first) or first in PLACE_PREFIXES
                or last + first in words
                or (last == "อ." and _place_at(text, toks[j].start))):
            i = j
            continue
        k = _given_end(toks, j, _name_run(text, toks, j))
        given = _joined(toks, j, k)
        end = _surname(text, toks, k)
        if strong:
            ok = given in first_names() or not is_common(given) or end is not None
            ok = ok and not (gap and given not in first_names())
        else:
            ok = _weak_title_ok(last, given, end is not None)
        if not ok:
            i = k
            continue
        last = end if end is not None else k
        start, stop = toks[i].start, toks[last - 1].end
        label = text[start:stop]
        out.append(Mention(start, stop, label, "actor", "person", strip_title(label), "rules"))
        i = last
    out.extend(_bare_names(text, toks, {m.start for m in out}))
    return out


@lru_cache(maxsize=1)
def _acronym_forms() -> frozenset[str]:
    forms = set(acronym_table())
    forms |= {a.rstrip(".") for a in forms}
    return frozenset(forms)


def _bare_names(text: str, toks: Sequence[Token], taken: set[int]) -> list[Mention]:
    """``first family`` without a title, both confirmed by the name lists."""
    out = []
    firsts, families, words = first_names(), family_names(), dictionary_words()
    for j, tok in enumerate(toks):
        if j and not _gap(text, toks[j - 1], tok):
            continue  # a bare name starts a word group: after a space or a line
        if tok.start in taken or not _THAI_RUN.match(tok.text):
            continue
        k = _name_run(text, toks, j)
        # The first name ends at one space: "สุริชาติ สายทอง".
        if k == j or k >= len(toks) or _gap(text, toks[k - 1], toks[k]) not in (" ", "  "):
            continue
        given = _joined(toks, j, k)
        if given in _person_stops() or given in _acronym_forms() or given in area_names():
            continue
        end = _surname(text, toks, k)
        if end is None:
            continue
        family = _joined(toks, k, end)
        if is_common(given) and not (given in firsts and family in families):
            continue
        if family in _acronym_forms() or (family in area_names() and family not in families):
            continue
        ok = (
            (given in firsts and family in families)
            or (given in firsts and is_namey(family))
            or (is_namey(given) and family in families and family not in words)
        )
        if ok:
            label = text[tok.start : toks[end - 1].end]
            out.append(Mention(tok.start, toks[end - 1].end, label, "actor", "person", label, "rules"))
    return out


def author_mentions(doc: Document) -> list[Mention]:
    """People who wrote the comments under a GotoKnow post (source ``comment``).

    The author's name is looked for on the line just before the comment (where
    the parser lays it out, as GotoKnow prints it), then in the comment (a
    signature), then anywhere in the text; an author whose name is not in the
    text gets no mention (a mention must point at text).
    """
    out: list[Mention] = []
    seen: set[int] = set()
    for c in doc.comments:
        name = (c.author or "").strip()
        if not name:
            continue
        byline = c.start - len(name) - 1
        if byline >= 0 and doc.text.startswith(name + "\n", byline):
            at = byline
        else:
            at = doc.text.rfind(name, max(0, c.start - len(name) - 300), c.end)
        if at < 0:
            at = doc.text.find(name)
        if at < 0 or at in seen:
            continue
        seen.add(at)
        out.append(Mention(at, at + len(name), name, "actor", "person",
                           strip_title(name), "comment", doc.id))
    return out
