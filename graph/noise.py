"""Clean-up of the tagger's mentions: list bullets, dates and law years are not actors.

The CRF tagger (:mod:`graph.tagger`) was trained on news sentences; on the long
lists and tables of government releases it also tags what stands around a
name. Measured on 300 thaigov releases (issue #4), it tagged:

* list numbers and bullets: ``"2. นางดรงรัตน์"``, ``"10."``, ``"ธนาคารกรุงไทย จำกัด
  (มหาชน) 2."`` (the next item's number), ``"3. ก.พ.ร."`` as a person;
* the year of a draft law after the body it is about: ``"…เชียงใหม่ พ.ศ. ...."``,
  or the year alone (``"พ.ศ. ...."``);
* dates: ``"11เม ย ชวน"`` (11 เม.ย. with its dots lost) as a person;
* a section of a law, ``"ม. 33"`` (มาตรา 33), as an organisation;
* phrases about a practice, ``"บทบาทองค์กรการเงินชุมชน"`` ("the role of community
  financial organisations"), as an organisation.

:func:`clean_tagged` trims what is around the name and drops what is no name at
all, so the rules and the gazetteer fill the span instead.

Example:
    >>> m = Mention(0, 14, "2. นางดรงรัตน์", "actor", "person", "2. นางดรงรัตน์", "tagger")
    >>> clean_tagged(m, "2. นางดรงรัตน์").label
    'นางดรงรัตน์'
"""

from __future__ import annotations

import re
from typing import Sequence

from graph.lexicon import head_of, person_titles, strip_title
from graph.models import Mention

__all__ = ["clean_tagged", "about_practice"]

# The year of a law or draft law: "พ.ศ. ....", "พ.ศ. 2564", "พ.ศ.".
_YEAR = r"พ\.ศ\.\s*(?:\.{2,}|…+\.?|\d{4}|[๐-๙]{4})?"
# A list number, bullet or law year before the name: "2. ", "(3) ", "16. ",
# "พ.ศ. 2535 ราชวิทยาลัยจุฬาภรณ์" (the year of the act cited before it).
_LEAD = re.compile(rf"(?:\(?(?:\d{{1,3}}|[๐-๙]{{1,3}})[.)]\s*|[-•*–]\s+|{_YEAR}\s*)+")
# A list number after it (the next item's), or a stray bracket: " 2.", " 11.", " (".
_TAIL = re.compile(r"(?:\s+(?:\d{1,3}|[๐-๙]{1,3})\.|\s*[(\[])+$")
# A law's year and what follows it end a name: "…แห่งชาติ พ.ศ. 2561 มาตรา 20".
_LAW_YEAR = re.compile(r"\s*พ\.ศ\.")
_MONTHS = (
    "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|"
    "พฤศจิกายน|ธันวาคม"
)
# Abbreviated months with their dots, or with the dots turned into spaces or lost
# (เม.ย., เม ย, เมย). Only after a day number: ก.พ. alone is the Civil Service
# Commission, ก.ค. a committee.
_MONTH_ABBR = r"(?:ม|ก|มี|เม|พ|มิ|ส|ต|ธ)[. ]?\s?(?:ค|พ|ย)\.?"
_DATE = re.compile(rf"(?:\d{{1,2}}|[๐-๙]{{1,2}})\s*(?:{_MONTHS}|{_MONTH_ABBR}(?![ก-ฮ]{{2}}))")
_LETTERS = re.compile(r"[ก-ฮa-zA-Z]")
# One Thai letter with a dot, and maybe a number: "ม.", "ม. 33", "ม.108" (มาตรา).
_LETTER_AND_NUMBER = re.compile(r"^[ก-ฮ]\.\s*(?:\d+|[๐-๙]+)?$")
# Dotted initials alone (ก.พ.ร., ป.ป.ส.) name a body, not a person, unless a title.
_INITIALS = re.compile(r"^(?:[ก-ฮ]{1,3}\.){2,}$")


def clean_tagged(m: Mention, text: str) -> Mention | None:
    """The tagger's mention without list numbers and law years, or ``None`` if no name.

    Args:
        m: a mention of the tagger (other sources are returned as they are).
        text: the text the offsets point into.

    Returns:
        The mention, trimmed (its label still ``text[start:end]``), retyped to an
        organisation when only dotted initials are left of a person, or ``None``
        when it holds a date or no name at all.
    """
    if m.source != "tagger" or m.type != "actor":
        return m
    start, end = m.start, m.end
    lead = _LEAD.match(text, start, end)
    if lead:
        start = lead.end()
    cut = _LAW_YEAR.search(text, start, end)
    if cut and cut.start() > start:
        end = cut.start()
    cut = _TAIL.search(text, start, end)
    if cut and cut.start() > start:
        end = cut.start()
    label = text[start:end]
    if not _LETTERS.search(label) or _LETTER_AND_NUMBER.match(label) or _DATE.search(label):
        return None
    if (start, end) == (m.start, m.end):
        return _as_body(m)
    key = strip_title(label) if m.kind == "person" else label
    return _as_body(Mention(start, end, label, m.type, m.kind, key, m.source, m.doc_id))


def _as_body(m: Mention) -> Mention:
    # A rank alone (พล.อ.) stands for the person it is written before.
    if m.kind == "person" and _INITIALS.match(m.label) and m.label not in person_titles():
        return Mention(m.start, m.end, m.label, "actor", "organisation", m.label, m.source,
                       m.doc_id)
    return m


def about_practice(m: Mention, practices: Sequence[Mention]) -> bool:
    """Whether a tagged organisation is a phrase about a practice, not a body.

    ``บทบาทองค์กรการเงินชุมชน`` (the role of community financial organisations)
    holds a practice of the scheme and no organisation head before it; a body
    named after a practice has one (``สถาบันการเงินชุมชนบ้านคูตีน``,
    ``หน่วยจัดการความรู้องค์กรการเงินชุมชน``), and one that starts with the
    practice is named after it (``โอทอปซิตี้``).

    Args:
        m: a mention of the tagger.
        practices: the scheme's practice mentions of the same text.
    """
    if m.source != "tagger" or m.type != "actor" or m.kind == "person":
        return False
    inside = [p for p in practices if m.start <= p.start and p.end <= m.end]
    # Thai puts the head noun first: "บทบาท|องค์กรการเงินชุมชน" is a role, about the
    # practice after it; "โอทอป|ซิตี้" is a thing named after one. On the
    # practice's very span the merge resolves the mention to the practice.
    if not inside or inside[0].start == m.start:
        return False
    return head_of(m.label) is None
