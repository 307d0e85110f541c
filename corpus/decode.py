"""Turn the bytes of a text file into a str, in the order DESIGN.md sets.

utf-8-sig, then UTF-16/32 when a BOM says so, then charset-normalizer, then cp1252 with
replacement characters; never a silent latin-1.
"""

from __future__ import annotations

import codecs

from .model import ParseError


def bytes_to_text(data: bytes, filename: str = "<bytes>") -> tuple[str, str]:
    """Return (text, encoding name) for ``data``; raise ParseError for binary data."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return _decode(data, "utf-32", filename), "utf-32"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode(data, "utf-16", filename), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_utf16_without_bom(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise ParseError(filename, "looks like a binary file, not text")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if (
            best is not None
            and best.encoding
            and best.encoding.lower() not in {"latin_1", "iso8859_1", "cp1252"}
        ):
            guess = data.decode(best.encoding, errors="replace")
            if not _prefer_cp1252(data, guess):
                return guess, best.encoding
    except Exception:  # charset-normalizer is a guess; fall through to cp1252
        pass
    return data.decode("cp1252", errors="replace"), "cp1252"


_WESTERN = set("áéíóúñüçàèìòùâêîôûäëïöÁÉÍÓÚÑÜÇÀÈÌÒÙÂÊÎÔÛÄËÏÖ¿¡«»ßœ€“”‘’–—")


def _prefer_cp1252(data: bytes, guess: str) -> bool:
    """Return True when cp1252 reads ``data`` cleanly with more Western letters than ``guess``.

    charset-normalizer often takes Spanish or French cp1252 text for cp1250 ('ańo' for 'año').
    """
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return sum(c in _WESTERN for c in western) >= sum(c in _WESTERN for c in guess)


def _decode(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            filename, f"says it is {encoding} but is not valid {encoding} ({exc.reason})"
        ) from exc


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    return odd_nuls > 0.4 * half or even_nuls > 0.4 * half
