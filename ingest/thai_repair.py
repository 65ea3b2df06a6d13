"""Repairs for Thai text damaged on its way out of a PDF (or any other file).

Three kinds of damage are common in text extracted from Thai PDFs and Word
exports, and each has its own function here:

* **Decomposed or misordered vowels and tone marks** — sara am stored as
  nikhahit + sara aa (``ํา`` for ``ำ``, what shaping engines draw), a tone mark
  before the above vowel it sits on (``ท่ี`` for ``ที่``), two sara e for sara ae
  (``เเ`` for ``แ``). :func:`reorder_marks` puts them back in the one logical
  order that Thai keyboards type and the tokeniser's dictionary holds.
* **Private Use Area glyphs** — legacy Thai fonts without OpenType tables keep
  their shifted tone marks, shifted vowels and descender-less ``ญ``/``ฐ`` at
  PUA code points (Windows U+F700–U+F71A, Macintosh U+F884–U+F89E), and a PDF
  made with them extracts those code points. :func:`map_pua` maps them back.
* **Spurious spaces inside words** — a PDF that places every glyph run
  separately extracts as ``ก าร จัดการ ความ รู้``. :func:`join_split_words`
  removes a space only where it cannot be a real one, so the spaces Thai uses
  between phrases stay.

:func:`repair_thai` applies all three and is safe on text that is already
correct: every rule only fires on sequences that are never valid Thai, or (for
the dictionary rule) only when the join turns a non-word into a word.

Example:
    >>> repair_thai("การจัดก ารความรู้ของผู\\uf70bนํา")
    'การจัดการความรู้ของผู้นำ'
"""

from __future__ import annotations

import re
import unicodedata

from pythainlp.util import reorder_vowels

from ingest.tokens import Tokenizer, default_tokenizer

__all__ = [
    "PUA_TO_THAI",
    "map_pua",
    "reorder_marks",
    "join_split_words",
    "repair_thai",
    "thai_damage",
]

# Legacy Thai PUA shaping forms back to the characters they draw.
#
# Source: the PUA fallback tables of HarfBuzz, ``src/hb-ot-shaper-thai.cc``
# (``SD_mappings``, ``SDL_mappings``, ``SL_mappings``, ``RD_mappings``; columns
# "win_pua" and "mac_pua"), which implement the scheme documented by Theppitak
# Karoonboonyanan, "Thai OpenType shaping" (linux.thai.net/~thep/th-otf/shaping.html),
# and used by Microsoft's and Apple's legacy Thai fonts. SD = shifted down,
# SDL = shifted down-left, SL = shifted left, RD = consonant without descender.
_PUA_TABLE: tuple[tuple[str, int, int], ...] = (
    # char, Windows PUA, Macintosh PUA
    ("\u0e48", 0xF70A, 0xF88B),  # MAI EK, SD
    ("\u0e49", 0xF70B, 0xF88E),  # MAI THO, SD
    ("\u0e4a", 0xF70C, 0xF891),  # MAI TRI, SD
    ("\u0e4b", 0xF70D, 0xF894),  # MAI CHATTAWA, SD
    ("\u0e4c", 0xF70E, 0xF897),  # THANTHAKHAT, SD
    ("\u0e38", 0xF718, 0xF89B),  # SARA U, SD
    ("\u0e39", 0xF719, 0xF89C),  # SARA UU, SD
    ("\u0e3a", 0xF71A, 0xF89D),  # PHINTHU, SD
    ("\u0e48", 0xF705, 0xF88C),  # MAI EK, SDL
    ("\u0e49", 0xF706, 0xF88F),  # MAI THO, SDL
    ("\u0e4a", 0xF707, 0xF892),  # MAI TRI, SDL
    ("\u0e4b", 0xF708, 0xF895),  # MAI CHATTAWA, SDL
    ("\u0e4c", 0xF709, 0xF898),  # THANTHAKHAT, SDL
    ("\u0e48", 0xF713, 0xF88A),  # MAI EK, SL
    ("\u0e49", 0xF714, 0xF88D),  # MAI THO, SL
    ("\u0e4a", 0xF715, 0xF890),  # MAI TRI, SL
    ("\u0e4b", 0xF716, 0xF893),  # MAI CHATTAWA, SL
    ("\u0e4c", 0xF717, 0xF896),  # THANTHAKHAT, SL
    ("\u0e31", 0xF710, 0xF884),  # MAI HAN-AKAT, SL
    ("\u0e34", 0xF701, 0xF885),  # SARA I, SL
    ("\u0e35", 0xF702, 0xF886),  # SARA II, SL
    ("\u0e36", 0xF703, 0xF887),  # SARA UE, SL
    ("\u0e37", 0xF704, 0xF888),  # SARA UEE, SL
    ("\u0e47", 0xF712, 0xF889),  # MAITAIKHU, SL
    ("\u0e4d", 0xF711, 0xF899),  # NIKHAHIT, SL
    ("\u0e0d", 0xF70F, 0xF89A),  # YO YING without descender, RD
    ("\u0e10", 0xF700, 0xF89E),  # THO THAN without descender, RD
)

#: PUA code point → the Thai character its glyph draws (both vendor ranges).
PUA_TO_THAI: dict[str, str] = {
    chr(pua): char for char, win, mac in _PUA_TABLE for pua in (win, mac)
}
_PUA_TRANSLATION = str.maketrans(PUA_TO_THAI)

_CONSONANTS = "\u0e01-\u0e2e"
# Marks that sit on a consonant (above/below vowels, tone marks, thanthakhat …):
# a word never starts with one.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
# Vowels written after the consonant (ะ า ำ ๅ): a word never starts with one.
_FOLLOW_VOWELS = "\u0e30\u0e32\u0e33\u0e45"
# Vowels written before the consonant (เ แ โ ใ ไ): a word never ends with one.
_LEAD_VOWELS = "\u0e40-\u0e44"
# Thai letters and signs that can be part of a word (no digits, ๆ, ฯ, ๏ …).
_WORD_CHARS = f"{_CONSONANTS}{_MARKS}{_FOLLOW_VOWELS}{_LEAD_VOWELS}"

# A space that cannot be real: before a mark or follow vowel that needs the
# consonant (or mark) before it, or after a lead vowel that needs its consonant.
_CERTAIN_SPACE = re.compile(
    f"(?<=[{_CONSONANTS}{_MARKS}])[ \t]+(?=[{_MARKS}{_FOLLOW_VOWELS}])"
    f"|(?<=[{_LEAD_VOWELS}])[ \t]+(?=[{_CONSONANTS}])"
)
_THAI_SPACE = re.compile(f"(?<=[{_WORD_CHARS}])[ \t]+(?=[{_WORD_CHARS}])")
_THAI_RUN_LEFT = re.compile(f"[{_WORD_CHARS}]+$")
_THAI_RUN_RIGHT = re.compile(f"^[{_WORD_CHARS}]+")
_THAI_LETTER = re.compile(f"[{_CONSONANTS}]")
_THAI_FRAGMENT = re.compile(f"[{_WORD_CHARS}]+")
# Thai prose puts a space every few dozen letters (between phrases); a line
# whose Thai fragments average fewer letters than this was shredded by a PDF.
_SHREDDED_RUN = 6
# … judged only on lines with this many fragments: a short heading or list
# ("ข้าว ปลา") is not evidence of shredding.
_SHREDDED_MIN = 4
_MAX_PASSES = 8
# Characters that never belong in text: replacement characters, private-use
# code points, and controls other than LF and TAB.
_JUNK = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A Thai mark with no consonant before it: after a space, a line start or a non-Thai character.
_ORPHAN_MARK = re.compile(f"(?:^|(?<=[\\s\\x00-\\u0e00]))[{_MARKS}]", re.M)
# How much of each fragment the dictionary rule looks at: enough for any
# Thai word on both sides, bounded so long unspaced lines stay cheap.
_CONTEXT = 24


def map_pua(text: str) -> str:
    """Map legacy Thai PUA glyph code points back to real Thai characters.

    Args:
        text: any text; code points outside the Thai PUA tables are kept.

    Returns:
        The text with every U+F700–U+F71A and U+F884–U+F89E Thai shaping form
        replaced by the character it draws.

    Example:
        >>> map_pua("ผู\\uf70bใหญ\\uf70a")
        'ผู้ใหญ่'
    """
    return text.translate(_PUA_TRANSLATION)


def reorder_marks(text: str) -> str:
    """Put Thai vowels and tone marks in canonical logical order.

    Composes sara am from nikhahit + sara aa (also with a tone mark between
    or before them, as shaping engines reorder it), moves a tone mark or
    thanthakhat after the above/below vowel of the same consonant, moves a
    tone mark before a follow vowel it was typed after, and turns two sara e
    into sara ae. The rules are PyThaiNLP's ``reorder_vowels``, applied after
    Unicode NFC (which orders below vowels before tone marks).

    Args:
        text: any text.

    Returns:
        The text with Thai clusters in canonical order; other text unchanged.

    Example:
        >>> reorder_marks("ทํ่า ท่ี เเละ")
        'ท่ำ ที่ และ'
    """
    text = unicodedata.normalize("NFC", text)
    if not any("\u0e30" <= ch <= "\u0e4e" for ch in text):
        return text
    # Repeat until nothing moves: one pass of the rules can bring a mark next
    # to another it must be swapped with (a nikhahit moved before a tone mark
    # only then meets sara aa). Real text settles in one or two passes.
    for _ in range(_MAX_PASSES):
        again = reorder_vowels(text)
        if again == text:
            break
        text = again
    return text


def join_split_words(text: str) -> str:
    """Remove spaces that a PDF put inside Thai words.

    A space is removed (never a newline) when

    * it stands before a mark or follow vowel (``ก ับ``, ``ก าร``) or after a
      lead vowel (``เ ขา``): Thai words never start or end that way; or
    * the fragment on one side is not a dictionary word of the tokeniser
      :mod:`ingest.tokens`, and joining the two sides makes a dictionary word
      that spans the space with fewer non-words overall (``การเงินชุ มชน`` →
      ``การเงินชุมชน``); or
    * the line is broken into short fragments (spaces every few letters, the
      mark of a PDF that placed each glyph run on its own) and the two words
      beside the space make exactly one dictionary word (``ชุม ชน`` → ``ชุมชน``).

    A space between two complete words in ordinary prose (``ทั้งหมด ประกอบด้วย``)
    always stays, so the spaces Thai writers put between phrases are kept.

    Args:
        text: any text.

    Returns:
        The text with spurious spaces inside Thai words removed.

    Example:
        >>> join_split_words("องค์กรการเงินชุ มชน ก ับ ความรู้")
        'องค์กรการเงินชุมชน กับ ความรู้'
    """
    text = _CERTAIN_SPACE.sub("", text)
    if not _THAI_SPACE.search(text):
        return text
    tokenizer = default_tokenizer()
    return "\n".join(_join_line(line, tokenizer) for line in text.split("\n"))


def _join_line(line: str, tokenizer: Tokenizer) -> str:
    """:func:`join_split_words` for one line (spaces never join across lines)."""
    if not _THAI_SPACE.search(line):
        return line
    fragments = _THAI_FRAGMENT.findall(line)
    shredded = len(fragments) >= _SHREDDED_MIN and sum(map(len, fragments)) < _SHREDDED_RUN * len(
        fragments
    )
    out: list[str] = []
    tail = ""  # the last characters written, for the left fragment
    pos = 0
    for match in _THAI_SPACE.finditer(line):
        before = line[pos : match.start()]
        out.append(before)
        tail = (tail + before)[-_CONTEXT:]
        left_run = _THAI_RUN_LEFT.search(tail)
        right_run = _THAI_RUN_RIGHT.search(line[match.end() : match.end() + _CONTEXT])
        # "อ." "จ." "ดร.": an abbreviation is a word of its own, not a fragment.
        abbreviation = right_run and line[match.end() + right_run.end() :][:1] == "."
        if not (
            left_run
            and right_run
            and not abbreviation
            and _joins(left_run.group(), right_run.group(), tokenizer, shredded)
        ):
            out.append(match.group())
            tail = (tail + match.group())[-_CONTEXT:]
        pos = match.end()
    out.append(line[pos:])
    return "".join(out)


def _joins(left: str, right: str, tokenizer: Tokenizer, shredded: bool) -> bool:
    """True when ``left + right`` reads better as one string than as two."""
    seg = tokenizer.segment
    left_toks, right_toks = seg(left), seg(right)
    if shredded and left_toks[-1] + right_toks[0] in tokenizer:
        return True
    edge_oov = _is_oov(left_toks[-1], tokenizer) or _is_oov(right_toks[0], tokenizer)
    if not edge_oov:
        return False
    joined = seg(left + right)
    boundary, pos = len(left), 0
    crossing = None
    for tok in joined:
        if pos < boundary < pos + len(tok):
            crossing = tok
            break
        pos += len(tok)
    if crossing is None or crossing not in tokenizer:
        return False
    # The join may only merge the fragments' edges, never cut a word of either
    # side in two ("น้ำขาว อ." must not become "น้ำ|ขา|วอ.").
    if pos not in _cuts(left_toks, 0) or pos + len(crossing) not in _cuts(right_toks, boundary):
        return False
    before = sum(_is_oov(t, tokenizer) for t in left_toks + right_toks)
    return sum(_is_oov(t, tokenizer) for t in joined) < before


def _cuts(tokens: list[str], start: int) -> set[int]:
    """Offsets of the token boundaries of ``tokens`` laid out from ``start``."""
    cuts, pos = {start}, start
    for tok in tokens:
        pos += len(tok)
        cuts.add(pos)
    return cuts


def _is_oov(token: str, tokenizer: Tokenizer) -> bool:
    """A Thai token that is not in the tokeniser's dictionary."""
    return bool(_THAI_LETTER.search(token)) and token not in tokenizer


def repair_thai(text: str, *, join_words: bool = True) -> str:
    """Apply every Thai repair: PUA glyphs, mark order and sara am, split words.

    Safe on correct text (it comes back unchanged) and on non-Thai text.

    Args:
        text: text extracted from a PDF, DOCX or any other source.
        join_words: also remove spurious spaces inside Thai words (uses the
            tokeniser's dictionary; off for text whose spaces must stay as typed).

    Returns:
        The repaired text.

    Example:
        >>> repair_thai("ผู\\uf70bนํา ชุ มชน")
        'ผู้นำ ชุมชน'
    """
    text = reorder_marks(map_pua(text))
    if join_words:
        joined = join_split_words(text)
        # A removed space can bring misordered marks together ("่ ิ").
        text = reorder_marks(joined) if joined != text else text
    return text


def thai_damage(text: str) -> int:
    """How damaged Thai text looks; 0 for clean text without unknown words.

    Counts letters in Thai tokens that are not in the tokeniser's dictionary,
    plus five for every junk character (U+FFFD, private-use code point,
    control character) and every mark with no consonant before it. Names and
    rare words count too, so the number is for comparing two readings of the
    same text (e.g. two PDF extractors), or against a share of its length.

    Example:
        >>> thai_damage("การจัดการความรู้") < thai_damage("การจัดก\\x03รคว\\x03มรู้")
        True
    """
    tokenizer = default_tokenizer()
    junk = len(_JUNK.findall(text)) + len(_ORPHAN_MARK.findall(text))
    oov = sum(len(t) for t in tokenizer.segment(text) if _is_oov(t, tokenizer))
    return 5 * junk + oov
