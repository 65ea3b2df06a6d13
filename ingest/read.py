"""Reading a file: bytes → str, with the encoding detected and nothing lost.

Thai field notes come in UTF-8 (with or without a byte-order mark), in UTF-16
from Windows tools, and — in older files — in TIS-620 or its Windows superset
cp874. :func:`read_text` decodes every one of them *strictly*: a byte that
does not decode is an error with a reason, never a silent U+FFFD. Files that
cannot become a document (empty, binary, too large …) raise
:class:`~fieldnotes.errors.UnreadableFileError` so the caller can report and
skip them.

Example:
    >>> from pathlib import Path
    >>> text = read_text(Path("corpus/000_d3db8b877662650d.txt"), max_bytes=1_000_000)
    >>> text.splitlines()[0][:6]
    'รายงาน'
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from fieldnotes.errors import UnreadableFileError

__all__ = [
    "read_bytes","read_text", "decode_bytes"]

# Magic numbers of formats that are certainly not text. Each is specific enough
# (control or high bytes, or a long fixed string) that no note starts with it:
# short ones such as "MZ" or "ID3" alone are left out on purpose. PDF and DOCX
# (a ZIP) have their own readers; when they reach read_text the caller did not
# route them there, and the reason says what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/ODT)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh91AY&SY", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"ID3\x03", "MP3 audio"),
    (b"ID3\x04", "MP3 audio"),
    (b"OggS\x00", "Ogg media"),
    (b"\x00\x00\x00\x18ftyp", "MP4 media"),
    (b"\x00\x00\x00\x20ftyp", "MP4 media"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}

# Byte-order marks, longest first (the UTF-32 LE mark begins with UTF-16 LE's).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# A well-formed multi-byte UTF-8 sequence (lead byte + continuation bytes).
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Thai combining marks (above/below vowels, tone marks, thanthakhat …). In real
# Thai each follows a Thai letter; in Latin-1 text read as cp874 they follow
# Latin letters, which is how TIS-620 is told apart from Western encodings.
_THAI_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
                        "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0"
# How sure charset-normalizer must be (its "chaos" is the share of the text
# that looks like mojibake) before a guess is accepted.
_MAX_CHAOS = 0.1
_PREFERRED_SINGLE_BYTE = ("cp1252", "latin_1")


def read_text(path: Path, *, max_bytes: int) -> str:
    """Read a text file and decode it, detecting the encoding.

    The file is read once, so a file that changes while it is read is seen in
    one consistent state (and at most ``max_bytes + 1`` bytes are read).

    Args:
        path: the file.
        max_bytes: files larger than this are refused.

    Returns:
        The decoded text, without a byte-order mark. It is not normalised;
        see :func:`ingest.normalize.normalize_text`.

    Raises:
        UnreadableFileError: with ``reason`` one of: file not found, not a
            regular file, permission denied, file too large, empty file,
            whitespace-only file, binary file (…), undecodable (…).

    Example:
        >>> read_text(Path("notes/บันทึก.txt"), max_bytes=64 << 20)  # doctest: +SKIP
        'การออมอย่างมีสัจจะ ...'
    """
    data = read_bytes(path, max_bytes=max_bytes)
    return decode_bytes(data, str(path))


def decode_bytes(data: bytes, name: str) -> str:
    """Decode the bytes of a text file (see :func:`read_text`).

    Args:
        data: the file's bytes.
        name: the file's name, for error messages.

    Raises:
        UnreadableFileError: the bytes are empty, whitespace, binary or
            cannot be decoded strictly in any plausible encoding.
    """
    if not data:
        raise UnreadableFileError(name, "empty file")
    text = _decode_with_bom(data, name)
    if text is None:
        kind = _binary_kind(data)
        if kind is not None:
            raise UnreadableFileError(name, f"binary file ({kind})")
        text = _decode_without_bom(data, name)
    if not text.strip(" \t\n\r\v\f" + _INVISIBLE):
        raise UnreadableFileError(name, "whitespace-only file")
    return text


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """Read a file once, refusing what is not a regular file or is over ``max_bytes``.

    Raises:
        UnreadableFileError: missing, unreadable, not a regular file, too large.
    """
    name = str(path)
    # O_NONBLOCK: opening a FIFO must not hang waiting for a writer; the
    # fstat below then refuses it as "not a regular file".
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFileError(name, "file not found; check the path") from None
    except IsADirectoryError:
        raise UnreadableFileError(name, "not a regular file (a directory)") from None
    except PermissionError:
        raise UnreadableFileError(name, "permission denied; make the file readable") from None
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot open ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UnreadableFileError(name, "not a regular file (a directory)")
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFileError(name, "not a regular file (device, pipe or socket)")
        if st.st_size > max_bytes:
            raise UnreadableFileError(name, _too_large(st.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            try:
                data = fh.read(max_bytes + 1)
            except OSError as exc:
                raise UnreadableFileError(name, f"read error ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    # The file may have grown between fstat and read.
    if len(data) > max_bytes:
        raise UnreadableFileError(name, _too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return (f"file too large ({size:,} bytes, limit {max_bytes:,}); "
            "split it or raise the limit (max_file_mb)")


def _decode_with_bom(data: bytes, name: str) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(
                    name, f"undecodable: {codec.upper()} byte-order mark but invalid "
                          f"{codec.upper()} at byte {exc.start}; re-save the file as UTF-8"
                ) from None
            return text.lstrip("\ufeff")
    return None


def _binary_kind(data: bytes) -> str | None:
    head = data[:32]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[head[8:12]]
    if b"\x00" in data:
        return "NUL bytes"
    return None


def _decode_without_bom(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Most non-ASCII bytes form valid UTF-8 sequences: the file is UTF-8 with
    # a few corrupt bytes (a truncated copy, a bad edit). Any single-byte
    # reading of it would be mojibake, so refuse instead of guessing.
    high = sum(1 for b in data if b >= 0x80)
    in_seqs = sum(len(m.group()) for m in _UTF8_SEQ.finditer(data))
    if in_seqs >= 0.5 * high:
        raise UnreadableFileError(
            name, f"undecodable: invalid UTF-8 at byte {utf8_error.start} "
                  "(the file looks like UTF-8 but is corrupt); repair or re-save it as UTF-8"
        )
    thai = _decode_tis620(data)
    if thai is not None:
        return thai
    guess = _guess_with_charset_normalizer(data)
    if guess is not None:
        return guess
    raise UnreadableFileError(
        name, "undecodable: not UTF-8, UTF-16 or TIS-620/cp874 and no other encoding "
              "fits cleanly; re-save the file as UTF-8"
    )


def _decode_tis620(data: bytes) -> str | None:
    """cp874 (a superset of TIS-620) if the result is plausible Thai, else None."""
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        return None
    non_ascii = 0
    thai = 0
    stray_marks = 0
    prev = ""
    for ch in text:
        if ch >= "\x80":
            non_ascii += 1
            if "\u0e00" <= ch <= "\u0e7f":
                thai += 1
                if ch in _THAI_MARKS and not ("\u0e01" <= prev <= "\u0e4e"):
                    stray_marks += 1
        prev = ch
    # Every high byte of TIS-620 is a Thai character; cp874 adds only a few
    # punctuation marks (curly quotes, dashes, ellipsis, no-break space).
    if thai == 0 or thai < 0.9 * non_ascii:
        return None
    # Thai marks after non-Thai characters mean it was not Thai text at all.
    if stray_marks > 0.02 * thai:
        return None
    return text


def _guess_with_charset_normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    encoding = best.encoding
    # On short Western text several code pages fit equally well and the first
    # one it lists (often cp1250) turns "crème" into "crčme"; among equally
    # good guesses prefer the code page Western files are actually written in.
    tied = {m.encoding for m in results if m.chaos <= best.chaos + 0.01}
    for preferred in _PREFERRED_SINGLE_BYTE:
        if preferred in tied:
            encoding = preferred
            break
    try:
        # Decode again, strictly, with the codec it chose: never a replacement
        # character in place of a byte that did not fit.
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
