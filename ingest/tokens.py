"""The one Thai tokeniser, used everywhere: chunking, BM25, matching.

It is PyThaiNLP's ``newmm`` segmentation run by the Rust engine ``nlpo3``
(about five times faster than the Python one, same algorithm), over PyThaiNLP's
own word list *extended* with the project's domain dictionary and the names of
Thailand's provinces, districts and subdistricts. Extending, not replacing,
matters: without the base list ``ต.`` would split into ``ต|.``.

Example:
    >>> from ingest.tokens import tokenize
    >>> tokenize("เจ้าหน้าที่พอช.ลงพื้นที่ต.น้ำขาว")
    ['เจ้าหน้าที่', 'พอช.', 'ลง', 'พื้นที่', 'ต.', 'น้ำขาว']
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from ingest.models import Token  # noqa: E402

__all__ = [
    "Tokenizer",
    "default_tokenizer",
    "tokenize",
    "tokens",
    "terms",
    "normalize_term",
    "domain_words",
    "is_stopword",
]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# newmm explores ambiguous boundaries exhaustively; on long unbroken strings
# (a 200,000-character line) its safe mode caps the search so it stays linear.
_SAFE_MODE_CHARS = 2_000
_lock = threading.Lock()


def domain_words() -> list[str]:
    """The project's domain dictionary plus every area name in geothai."""
    text = resources.files("ingest").joinpath("data/domain_words.txt").read_text("utf-8")
    words = [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]
    words.extend(_area_names())
    return words


def _area_names() -> list[str]:
    import geothai

    names: set[str] = set()
    for province in geothai.provinces():
        names.add(province.name_th)
        for district in geothai.districts(province.code):
            names.add(district.name_th)
            names.update(s.name_th for s in geothai.subdistricts(district.code))
    for name in list(names):
        for prefix in ("เขต", "อำเภอ", "กิ่งอำเภอ"):
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                names.add(name[len(prefix):])
    return sorted(names)


class Tokenizer:
    """PyThaiNLP newmm (via nlpo3) over PyThaiNLP's words plus extra words.

    Args:
        extra_words: words to add to PyThaiNLP's dictionary (default: the
            project's domain dictionary and area names).
    """

    def __init__(self, extra_words: Iterable[str] | None = None) -> None:
        from pythainlp.corpus import thai_words

        words = set(thai_words())
        words.update(domain_words() if extra_words is None else extra_words)
        words = {w for w in words if w and "\n" not in w}
        payload = "\n".join(sorted(words)).encode("utf-8")
        digest = hashlib.sha256(payload).hexdigest()[:16]
        self.name = f"fieldnotes-{digest}"
        self.size = len(words)
        self._words = frozenset(words)
        path = Path(tempfile.gettempdir()) / f"{self.name}.txt"
        with _lock:
            if not path.exists():
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(payload)
                os.replace(tmp, path)
            import nlpo3

            nlpo3.load_dict(str(path), self.name)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def segment(self, text: str) -> list[str]:
        """Split ``text`` into tokens whose concatenation is exactly ``text``."""
        if not text:
            return []
        import nlpo3

        safe = len(text) > _SAFE_MODE_CHARS
        return nlpo3.segment(text, self.name, safe, False)

    def tokens(self, text: str) -> list[Token]:
        """Tokens with offsets into ``text``; whitespace-only tokens are dropped."""
        out: list[Token] = []
        pos = 0
        for piece in self.segment(text):
            end = pos + len(piece)
            if not piece.isspace():
                out.append(Token(piece, pos, end))
            pos = end
        return out


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The shared tokeniser (built once per process)."""
    return Tokenizer()


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text`` (whitespace dropped), as written."""
    return [t.text for t in default_tokenizer().tokens(text)]


def tokens(text: str) -> list[Token]:
    """Word tokens of ``text`` with character offsets (whitespace dropped)."""
    return default_tokenizer().tokens(text)


def normalize_term(token: str) -> str:
    """The form a token takes in an index: NFC, lower case, Arabic digits, no edge punctuation.

    Example:
        >>> normalize_term("๒๕๕๐")
        '2550'
    """
    t = unicodedata.normalize("NFC", token).translate(_THAI_DIGITS).lower()
    return t.strip(" \t\r\n.,;:!?\"'()[]{}<>«»“”‘’-–—_/\\|*#@&%+=~^`")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


def is_stopword(term: str) -> bool:
    """True for PyThaiNLP's Thai stopwords (``และ``, ``ที่``, ``ของ`` …)."""
    return term in _stopwords()


def terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Index terms of ``text``: normalised tokens without punctuation (and stopwords).

    This is what BM25 indexes and what a query is matched with.

    Example:
        >>> terms("กองทุนหมู่บ้านของตำบลกะหรอ")
        ['กองทุนหมู่บ้าน', 'ตำบล', 'กะหรอ']
    """
    out: list[str] = []
    for tok in default_tokenizer().segment(text):
        term = normalize_term(tok)
        if not term:
            continue
        if not keep_stopwords and is_stopword(term):
            continue
        out.append(term)
    return out
