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
import re
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
# newmm explores ambiguous boundaries exhaustively, and on some long strings
# ("นา" repeated: 20,000 characters take 2.4 s, 200,000 take 14 s) the cost
# grows faster than the length. nlpo3's own "safe mode" caps it but returns
# pieces that do NOT add up to the input (checked with nlpo3 1.4.0: in
# "การจัดการ" * 300 a piece is repeated and another lost), which would corrupt
# every offset. So text longer than _WINDOW_CHARS is segmented window by window
# instead: each window is segmented normally, the tokens near its end (which
# the cut may have split) are dropped and the next window starts there. That
# keeps the cost linear: ~1.5 µs a character on real Thai (a 200,000-character
# line in 0.3 s), though a degenerate string like "นา" repeated still costs the
# engine ~0.1 ms a character at any window size.
_WINDOW_CHARS = 2_000
# Tokens that end within this many characters of a window's cut are redone in
# the next window; longer than any dictionary word (the longest domain terms,
# e.g. "สัจจะลดรายจ่ายวันละ 1 บาท", are under 30 characters).
_WINDOW_MARGIN = 100
_SURROGATES = re.compile("[\ud800-\udfff]")
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
        """Split ``text`` into tokens whose concatenation is exactly ``text``.

        Linear in the length of ``text`` (long text is segmented in windows).
        """
        if not text:
            return []
        # nlpo3 takes UTF-8; a lone surrogate cannot be encoded. U+FFFD has the
        # same length, so the pieces still map back onto ``text`` one to one.
        work = _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text
        lengths = self._piece_lengths(work)
        # Slice the input rather than trusting the engine's strings, so the
        # pieces add up to exactly ``text`` (checked: they always cover it).
        pieces: list[str] = []
        pos = 0
        for n in lengths:
            pieces.append(text[pos : pos + n])
            pos += n
        if pos != len(text):
            raise RuntimeError(
                f"tokeniser pieces cover {pos} of {len(text)} characters; "
                "this is a bug in ingest.tokens, please report it with the text"
            )
        return pieces

    def _piece_lengths(self, text: str) -> list[int]:
        import nlpo3

        if len(text) <= _WINDOW_CHARS:
            return [len(p) for p in nlpo3.segment(text, self.name, False, False)]
        lengths: list[int] = []
        start = 0
        while start < len(text):
            end = min(start + _WINDOW_CHARS, len(text))
            window = [len(p) for p in nlpo3.segment(text[start:end], self.name, False, False)]
            if end == len(text):
                lengths.extend(window)
                break
            keep = 0
            covered = 0
            limit = end - start - _WINDOW_MARGIN
            for n in window:
                if covered + n > limit:
                    break
                covered += n
                keep += 1
            if keep == 0:
                # One piece longer than the window (a 3,000-letter Latin run):
                # take it as it is; it is cut, but nothing is lost.
                keep, covered = 1, window[0]
            lengths.extend(window[:keep])
            start += covered
        return lengths

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
def _default_tokenizer() -> Tokenizer:
    return Tokenizer()


# lru_cache alone lets two threads that ask at once both build the tokeniser
# (0.7 s of CPU each): the explorer's warm-up thread and a page's first search do.
_DEFAULT_LOCK = threading.RLock()


def default_tokenizer() -> Tokenizer:
    """The shared tokeniser, built once per process even when threads ask at once."""
    with _DEFAULT_LOCK:
        return _default_tokenizer()


default_tokenizer.cache_clear = _default_tokenizer.cache_clear  # type: ignore[attr-defined]


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text`` (whitespace dropped), as written."""
    return [t.text for t in default_tokenizer().tokens(text)]


def tokens(text: str) -> list[Token]:
    """Word tokens of ``text`` with character offsets (whitespace dropped)."""
    return default_tokenizer().tokens(text)


# Stripped from both ends of a term: punctuation, every Unicode space (the
# no-break spaces of copied web text among them: "\xa0" alone is no term) and
# the zero-width characters Thai text carries between words.
_EDGE = (
    ".,;:!?\"'()[]{}<>«»“”‘’-–—_/\\|*#@&%+=~^`"
    + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    + "\u200b\u200c\u200d\u2060\ufeff"
)


def normalize_term(token: str) -> str:
    """The form a token takes in an index: NFC, lower case, Arabic digits, no edge punctuation.

    Example:
        >>> normalize_term("๒๕๕๐")
        '2550'
    """
    t = unicodedata.normalize("NFC", token).translate(_THAI_DIGITS).lower()
    return t.strip(_EDGE)


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
