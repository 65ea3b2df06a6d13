"""GotoKnow posts: title, lead, body, metadata and readers' comments.

A GotoKnow post saved as text (see ``corpus/``) looks like this::

    <title>
    <lead paragraph>
    <body …>
    บันทึกนี้เขียนที่ GotoKnow โดย <author> ใน <blog>[ความเห็น (N)]
    คำสำคัญ (Tags)#<tag>#<tag>
    หมายเลขบันทึก: 71001, เขียน: 05 Jan 2007 @ 11:40 (), แก้ไข: 11 Feb 2012 @ 16:56 (), …
    ความเห็น (N)
    <comments>
    พบปัญหาการใช้งานกรุณาแจ้ง LINE ID @gotoknow … (site footer)

Every metadata line is optional and their order varies between page
versions; the record line also comes as ``หมายเลขบันทึก: 85545เขียนเมื่อ
22 มีนาคม 2007 10:08 น. ()แก้ไขเมื่อ …`` (Thai month names with Christian-era
years). A comment is either ``<name>`` / ``IP: xxx…`` / ``เขียนเมื่อ …`` then
its text, or — in older pages — bare paragraphs with no name at all.

The site's own text (the footer, ``ความเห็น (N)``, IP lines, the metadata
lines) never reaches the body or a comment.

Example:
    >>> post = parse_gotoknow(
    ...     "การขับเคลื่อนองค์กรการเงิน\\n\\nเนื้อหา\\n\\nคำสำคัญ (Tags)#องค์กรการเงินชุมชน\\n\\n"
    ...     "หมายเลขบันทึก: 71001, เขียน: 05 Jan 2007 @ 11:40 (), แก้ไข: 11 Feb 2012 @ 16:56 ()")
    >>> post.record_id, post.created, post.tags
    ('71001', datetime.datetime(2007, 1, 5, 11, 40), ('องค์กรการเงินชุมชน',))
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from datetime import datetime

from pythainlp.util.date import thai_abbr_months, thai_full_months

from ingest.normalize import normalize_text, thai_digits_to_arabic, tidy_lines

__all__ = ["GotoKnowPost", "is_gotoknow", "parse_gotoknow", "parse_date", "post_body",
           "parse_comment"]

_MARKERS = re.compile(
    r"บันทึกนี้เขียนที่\s*GotoKnow|หมายเลขบันทึก\s*:|LINE ID\s*@gotoknow|คำสำคัญ\s*\(Tags\)\s*#"
)
# Lines that end the body: the first metadata line, the comments header or the
# site footer, whichever comes first.
_TAIL = re.compile(
    r"^\s*(?:บันทึกนี้เขียนที่\s*GotoKnow|คำสำคัญ\s*\(Tags\)|หมายเลขบันทึก\s*:"
    r"|ความเห็น\s*\(\s*\d+\s*\)\s*$|ไม่มีความเห็น\s*$|บันทึกที่เกี่ยวข้อง\s*$|พบปัญหาการใช้งาน)"
)
_FOOTER = re.compile(r"^\s*พบปัญหาการใช้งาน")
# Site text that must never be part of a body or a comment.
_BOILERPLATE = re.compile(
    r"^\s*(?:พบปัญหาการใช้งาน.*|ClassStart(?:\s+Books)?|ระบบจัดการการเรียนการสอนผ่านอินเทอร์เน็ต"
    r"|ทั้งเว็บทั้งแอปใช้งานฟรี|โครงการหนังสือจากคลาสสตาร์ท|บันทึกที่เกี่ยวข้อง|ไม่มีความเห็น"
    r"|ความเห็น\s*\(\s*\d+\s*\)|IP:\s*\S*)\s*$"
)
_BLOG = re.compile(
    r"บันทึกนี้เขียนที่\s*GotoKnow\s*โดย\s*(?P<author>.*?)\s+ใน\s+(?P<blog>.*?)"
    r"\s*(?:ความเห็น\s*\(\s*(?P<n>\d+)\s*\))?\s*$"
)
_COMMENTS_HEADER = re.compile(r"^\s*ความเห็น\s*\(\s*(\d+)\s*\)\s*$")
_TAGS = re.compile(r"คำสำคัญ\s*\(Tags\)\s*(?P<tags>#.*)$", re.MULTILINE)
_RECORD = re.compile(r"หมายเลขบันทึก\s*:\s*(?P<id>[0-9๐-๙]+)")
_LICENSE = re.compile(
    r"สัญญาอนุญาต\s*:\s*(?P<license>.*?)\s*(?:,\s*อ่าน\s*:.*|จำนวนที่อ่าน.*)?$", re.MULTILINE
)
_IP = re.compile(r"^\s*IP\s*:\s*\S")
_WRITTEN = re.compile(r"^\s*เขียนเมื่อ")
_INDENTED = re.compile(r"^[ \t]+\S")
# A commenter's name may stand a blank line or two above its IP line (a saved
# page lays name, IP and date out as blocks); such a name is a short line.
_NAME_GAP = 2
_MAX_NAME = 80

_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS: dict[str, int] = {}
for _i, (_full, _abbr, _en) in enumerate(zip(thai_full_months, thai_abbr_months, _EN_MONTHS), 1):
    _MONTHS[_full] = _i
    _MONTHS[_abbr] = _i
    _MONTHS[_abbr.replace(".", "")] = _i
    _MONTHS[_en] = _i
for _name, _i in (("january", 1), ("february", 2), ("march", 3), ("april", 4), ("june", 6),
                  ("july", 7), ("august", 8), ("september", 9), ("october", 10),
                  ("november", 11), ("december", 12), ("sept", 9)):
    _MONTHS[_name] = _i
_DIGIT = "[0-9๐-๙]"
_DATE = re.compile(
    rf"(?P<d>{_DIGIT}{{1,2}})\s*"
    rf"(?P<m>{'|'.join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))})\.?\s*"
    rf"(?P<y>{_DIGIT}{{4}})"
    rf"(?:\s*(?:@|เวลา)?\s*(?P<H>{_DIGIT}{{1,2}})[:.](?P<M>{_DIGIT}{{2}}))?",
    re.IGNORECASE,
)
_CREATED = re.compile(r"(?<!นี้)เขียน(?:เมื่อ)?\s*:?\s*(?=" + _DIGIT + ")")
_EDITED = re.compile(r"แก้ไข(?:เมื่อ)?\s*:?\s*(?=" + _DIGIT + ")")
# Years above this are Buddhist Era (พ.ศ. = ค.ศ. + 543).
_BE_THRESHOLD = 2400


@dataclass(frozen=True)
class GotoKnowPost:
    """The parts of a GotoKnow post, before they are laid out as a Document.

    Attributes:
        title: the first line.
        body: the post's text (lead included), paragraphs separated by blank lines.
        lead: the first paragraph of the body.
        comments: ``(author or None, text)`` pairs, in order.
        record_id: หมายเลขบันทึก, or ``None``.
        created: when the post was written (local time as shown), or ``None``.
        edited: when it was last edited, or ``None``.
        tags: the post's tags (คำสำคัญ).
        blog: the blog's name, or ``None``.
        author: the author's name where the page gives one, else ``None``.
        meta: other metadata, e.g. ``(("license", "สงวนสิทธิ์ทุกประการ"),)``.
        url: the post's address where the source names it (a saved page
            does; the text export does not), else ``None``.
    """

    title: str
    body: str
    lead: str = ""
    comments: tuple[tuple[str | None, str], ...] = ()
    record_id: str | None = None
    created: datetime | None = None
    edited: datetime | None = None
    tags: tuple[str, ...] = ()
    blog: str | None = None
    author: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    url: str | None = None


def is_gotoknow(text: str) -> bool:
    """True if ``text`` carries a GotoKnow marker (blog line, record number, tags, footer)."""
    return _MARKERS.search(normalize_text(text)) is not None


def parse_date(text: str) -> datetime | None:
    """The first date (with optional time) in ``text``, or ``None``.

    Month names may be Thai (full or abbreviated) or English; digits may be
    Thai; a year above 2400 is Buddhist Era and has 543 subtracted.

    Example:
        >>> parse_date("เขียนเมื่อ 22 มีนาคม 2007 10:08 น.")
        datetime.datetime(2007, 3, 22, 10, 8)
        >>> parse_date("วันที่ ๔ ธ.ค. ๒๕๕๐")
        datetime.datetime(2007, 12, 4, 0, 0)
    """
    m = _DATE.search(text)
    if m is None:
        return None
    year = _int(m.group("y"))
    if year > _BE_THRESHOLD:
        year -= 543
    month = _MONTHS[m.group("m").lower()]
    hour, minute = (_int(m.group("H")), _int(m.group("M"))) if m.group("H") else (0, 0)
    try:
        return datetime(year, month, _int(m.group("d")), hour, minute)
    except ValueError:  # 31 Feb, 25:70 …: not a date, so no date rather than a wrong one
        return None


def parse_gotoknow(text: str) -> GotoKnowPost:
    """Split a GotoKnow post into title, body, comments and metadata.

    Args:
        text: the post as text (normalised here if it is not already).

    Returns:
        The post's parts; the body and comments are free of site boilerplate.
    """
    lines = normalize_text(text).split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    title = lines[first].strip() if first < len(lines) else ""
    tail = next((i for i in range(first + 1, len(lines)) if _TAIL.match(lines[i])), len(lines))
    body = _clean(lines[first + 1 : tail])

    header, count = _find_comments_header(lines, tail)
    end = len(lines)
    if header is not None:
        end = next((i for i in range(header + 1, len(lines))
                    if _FOOTER.match(lines[i]) or (_TAIL.match(lines[i])
                                                    and not _BOILERPLATE.match(lines[i]))),
                   len(lines))
    comments = _comments(lines[header + 1 : end], count) if header is not None else ()
    # Metadata lives in the tail outside the comments (a comment may quote a date).
    meta_lines = lines[tail : header + 1 if header is not None else len(lines)] + lines[end:]
    meta_text = "\n".join(meta_lines)

    author = blog = None
    for line in meta_lines:
        m = _BLOG.search(line)
        if m:
            author = m.group("author").strip() or None
            blog = m.group("blog").strip() or None
            break
    tags: tuple[str, ...] = ()
    m = _TAGS.search(meta_text)
    if m:
        tags = tuple(t.strip() for t in m.group("tags").split("#") if t.strip())
    record = _RECORD.search(meta_text)
    info: list[tuple[str, str]] = []
    lic = _LICENSE.search(meta_text)
    if lic and lic.group("license").strip(" ,"):
        info.append(("license", lic.group("license").strip(" ,")))
    return GotoKnowPost(
        title=title,
        body=body,
        lead=body.split("\n\n", 1)[0].strip() if body else "",
        comments=comments,
        record_id=thai_digits_to_arabic(record.group("id")) if record else None,
        created=_date_after(_CREATED, meta_text),
        edited=_date_after(_EDITED, meta_text),
        tags=tags,
        blog=blog,
        author=author,
        meta=tuple(info),
    )


def post_body(text: str) -> str:
    """The body part of a post's text, cut and cleaned as :func:`parse_gotoknow` does.

    The text ends at the first metadata line, comments header or site footer;
    GotoKnow's own lines (the ClassStart advert, counters …) are dropped and
    paragraphs are separated by exactly one blank line.

    Example:
        >>> post_body("ย่อหน้าแรก\\n\\nClassStart\\nย่อหน้าสอง\\n\\nหมายเลขบันทึก: 71001")
        'ย่อหน้าแรก\\n\\nย่อหน้าสอง'
    """
    lines = normalize_text(text).split("\n")
    tail = next((i for i, line in enumerate(lines) if _TAIL.match(line)), len(lines))
    return _clean(lines[:tail])


def parse_comment(text: str) -> tuple[str | None, str]:
    """One comment as the page shows it: its writer's name and its text.

    A named comment starts with the name, an ``IP: xxx…`` line and a
    ``เขียนเมื่อ …`` line, as in the text export; these header lines are not
    part of the text. Without such a header the name is ``None``.

    Example:
        >>> parse_comment("ภีม ภคเมธาวี\\nIP: xxx.137.17.13\\nเขียนเมื่อ\\n\\nจัดส่งแล้วครับ")
        ('ภีม ภคเมธาวี', 'จัดส่งแล้วครับ')
    """
    lines = normalize_text(text).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    author = None
    end = _header_end(lines, 0) if lines else None
    if end is not None:
        author, lines = lines[0].strip(), lines[end:]
    elif lines and _IP.match(lines[0]):
        lines = lines[1:]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _WRITTEN.match(lines[0]):
        lines = lines[1:]
    return author, _clean(lines)


def _header_end(lines: list[str], i: int) -> int | None:
    """Where a comment's text starts, if ``lines[i]`` begins a ``name / IP / เขียนเมื่อ`` header.

    ``lines[i]`` is a name when the next non-blank line, at most
    :data:`_NAME_GAP` blank lines down, is an ``IP: …`` line (right below,
    any line; further down, only a short one). The header ends after the IP
    line and the ``เขียนเมื่อ …`` line that may follow it.
    """
    name = lines[i]
    if not name.strip() or _IP.match(name):
        return None
    j = i + 1
    while j < len(lines) and j - i <= _NAME_GAP and not lines[j].strip():
        j += 1
    if j >= len(lines) or not _IP.match(lines[j]) or (j > i + 1 and len(name.strip()) > _MAX_NAME):
        return None
    k = j + 1
    while k < len(lines) and k - j <= _NAME_GAP and not lines[k].strip():
        k += 1
    return k + 1 if k < len(lines) and _WRITTEN.match(lines[k]) else j + 1


def _int(digits: str) -> int:
    return int(thai_digits_to_arabic(digits))


def _date_after(label: re.Pattern[str], text: str) -> datetime | None:
    m = label.search(text)
    return parse_date(text[m.end() : m.end() + 60]) if m else None


def _find_comments_header(lines: list[str], start: int) -> tuple[int | None, int | None]:
    """Index of the ``ความเห็น (N)`` line (alone or glued to the blog line) and N."""
    for i in range(start, len(lines)):
        if _FOOTER.match(lines[i]):
            break
        m = _COMMENTS_HEADER.match(lines[i])
        if m:
            return i, int(m.group(1))
        m = _BLOG.search(lines[i])
        if m and m.group("n") is not None:
            return i, int(m.group("n"))
    return None, None


def _clean(lines: list[str]) -> str:
    """Drop boilerplate lines, then tidy (see :func:`ingest.normalize.tidy_lines`)."""
    return tidy_lines(line for line in lines if not _BOILERPLATE.match(line))


def _comments(lines: list[str], count: int | None) -> tuple[tuple[str | None, str], ...]:
    if count == 0:
        return ()
    headers = {i: end for i in range(len(lines)) if (end := _header_end(lines, i)) is not None}
    named = sorted(headers)
    if not named:
        return _unnamed(lines, count)
    out = list(_unnamed(lines[: named[0]], None))
    for k, i in enumerate(named):
        stop = named[k + 1] if k + 1 < len(named) else len(lines)
        text = _clean(lines[min(headers[i], stop):stop])
        if text:
            out.append((lines[i].strip(), text))
    return tuple(out)


def _unnamed(lines: list[str], count: int | None) -> tuple[tuple[str | None, str], ...]:
    """Comments without names: split at blank lines, guided by the header's count.

    A block is a run of non-blank lines; an indented line starts a new block
    (older GotoKnow comments begin with an indent). Blocks that begin with an
    indent always start a comment. When the header announces more comments
    than that, the longest comment is split at the block boundary nearest its
    middle until the count is reached: a long run of paragraphs is more likely
    to be several replies than a short one. With no count, every block is a
    comment.
    """
    pairs: list[tuple[list[str], bool]] = []  # (lines, starts with an indent)
    new_block = True
    for line in lines:
        if _BOILERPLATE.match(line):
            continue
        if not line.strip():
            new_block = True
            continue
        indent = _INDENTED.match(line) is not None
        if new_block or indent:
            pairs.append(([], indent))
            new_block = False
        pairs[-1][0].append(line)
    if not pairs:
        return ()
    if count is None or count >= len(pairs):
        starts = list(range(len(pairs)))
    else:
        starts = _split_to_count(pairs, count)
    out: list[tuple[str | None, str]] = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(pairs)
        text = _clean([line for b, _ in pairs[s:e] for line in b + [""]])
        if text:
            out.append((None, text))
    return tuple(out)


def _split_to_count(pairs: list[tuple[list[str], bool]], count: int) -> list[int]:
    """Comment starts: indented blocks, then halves of the longest groups."""
    sizes = [sum(len(line) for line in block) for block, _ in pairs]
    starts = sorted({0} | {k for k, (_, indent) in enumerate(pairs) if indent})
    bounds = starts + [len(pairs)]
    # Largest group first (by characters); ties in text order.
    heap = [(-sum(sizes[a:b]), a, b) for a, b in zip(bounds, bounds[1:]) if b - a > 1]
    heapq.heapify(heap)
    while heap and len(starts) < count:
        neg_total, a, b = heapq.heappop(heap)
        half = -neg_total / 2
        acc, split, gap = 0, a + 1, float("inf")
        for j in range(a + 1, b):
            acc += sizes[j - 1]
            if abs(half - acc) < gap:
                split, gap = j, abs(half - acc)
        starts.append(split)
        for lo, hi in ((a, split), (split, b)):
            if hi - lo > 1:
                heapq.heappush(heap, (-sum(sizes[lo:hi]), lo, hi))
    return sorted(starts)
