"""Name normalisation: when two written names are the same name.

Used by resolution (grouping mentions), by the graph's lookup keys and by every
lookup of an entity by name, so that spacing, dots, Thai digits and people's
titles never make a second entity or a failed search.

Example:
    >>> match_key("ม.วลัยลักษณ์", kind="organisation") == match_key("มหาวิทยาลัย วลัยลักษณ์")
    True
    >>> strip_titles("รศ.ดร.ปัทมาวดี โพชนุกูล")
    'ปัทมาวดี โพชนุกูล'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ingest.tokens import normalize_term

__all__ = ["PERSON_TITLES", "display_name", "strip_titles", "match_key"]

#: Titles stripped from people's names, longest first so นางสาว wins over นาง.
PERSON_TITLES: tuple[str, ...] = tuple(
    sorted(
        ["นาย", "นาง", "นางสาว", "น.ส.", "ดร.", "รศ.", "ผศ.", "ศ.", "อาจารย์", "อ.",
         "ครู", "คุณ", "พี่", "ผอ.", "ศาสตราจารย์", "รองศาสตราจารย์", "ผู้ช่วยศาสตราจารย์",
         "นพ.", "พญ.", "ว่าที่ร.ต."],
        key=len,
        reverse=True,
    )
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"))
_SPACES = re.compile(r"\s+")
# ม.วลัยลักษณ์ = มหาวิทยาลัยวลัยลักษณ์; but not ม.ค. (a month) or ม.อ. (an acronym).
_UNI_ABBR = re.compile(r"^ม\.\s*(?=[\u0e01-\u0e2e][^.]{3,}$)")


@lru_cache(maxsize=200_000)
def display_name(text: str) -> str:
    """A label for display: NFC, no zero-width characters, single spaces, trimmed."""
    t = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", t).strip()


def strip_titles(name: str) -> str:
    """A person's name without leading titles.

    Example:
        >>> strip_titles("รศ.ดร.ปัทมาวดี โพชนุกูล")
        'ปัทมาวดี โพชนุกูล'
    """
    n = display_name(name)
    changed = True
    while changed:
        changed = False
        for title in PERSON_TITLES:
            rest = n[len(title):].lstrip()
            if n.startswith(title) and len(rest) >= 2:
                n, changed = rest, True
                break
    return n


@lru_cache(maxsize=400_000)
def match_key(text: str, *, kind: str | None = None) -> str:
    """The normalised form two names must share to be the same entity.

    Example:
        >>> match_key("ม.วลัยลักษณ์", kind="organisation") == match_key("มหาวิทยาลัย วลัยลักษณ์")
        True
    """
    t = display_name(text)
    if kind == "person":
        t = strip_titles(t)
    t = _UNI_ABBR.sub("มหาวิทยาลัย", t)
    t = normalize_term(t)
    return re.sub(r"[\s.·'\"“”()\[\]]+|ฯ$", "", t)
