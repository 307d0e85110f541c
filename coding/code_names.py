"""The one set of rules for code names and code paths (Code page, Codebook page, CLI, CSV import).

A code's *name* is one level of the codebook tree; its *path* joins the names from the top with
``' > '`` ("Funding > Public"). The rules, applied by :func:`check_code_name`:

- **Text form.** The name is put in Unicode NFC form (so "é" typed two ways is one name); runs of
  white space, tabs and line breaks become one space; leading and trailing spaces are dropped.
- **Not empty.** Nothing left after that is an error.
- **No '>'.** ``>`` separates the levels of a path, so a name never contains it (a name such as
  ``<img src=x onerror=alert(1)>`` is refused, never silently cut). ``<`` and every other
  printable character are allowed: names are shown as escaped text everywhere.
- **No invisible characters.** Control characters (C0/C1, DEL), unpaired surrogates, Unicode
  non-characters and format characters (zero-width space, bidi overrides such as U+202E that can
  make a name display differently from what it is) are refused. ZWJ and ZWNJ (U+200D, U+200C)
  stay allowed: Persian, Indic scripts and emoji sequences need them.
- **Length.** At most :data:`MAX_NAME_LENGTH` characters (code points) per name and
  :data:`MAX_DEPTH` levels per path.
- **Unique among siblings.** Two active codes under one parent may not share a name, compared
  without regard to case (Unicode case folding: "Ärger" and "ärger" are one name); enforced where
  codes are written (``coding.codes``), with the message from :func:`duplicate_message`.

A *path* typed by a user (:func:`split_code_path`) is split at each ``>``; every level must pass
the rules above, so an empty level (a path starting or ending with ``>``, or ``A >> B``) is an
error, with the same message as a name containing ``>``: whichever field the name was typed in
(a path on the Code page and in the CLI, a name on the Codebook page), the user reads one
message. Every refusal is a ``CodingError`` whose message
names the text refused and says what to do.
"""

from __future__ import annotations

import functools
import unicodedata

from .history import CodingError

PATH_SEP = " > "
MAX_NAME_LENGTH = 200
MAX_DEPTH = 12
_ALLOWED_FORMAT = {"\u200c", "\u200d"}  # ZWNJ, ZWJ


def _shown(text: str, limit: int = 60) -> str:
    """Return ``text`` quoted for a message, invisible characters written as \\uXXXX, cut short."""
    out = "".join(
        ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else f"\\u{ord(ch):04x}"
        for ch in text
    )
    return f"'{out[:limit]}…'" if len(out) > limit else f"'{out}'"


def _bad_character(name: str) -> str | None:
    """Return a description of the first refused character of ``name``, or None."""
    for ch in name:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or (cat == "Cf" and ch not in _ALLOWED_FORMAT) or _nonchar(ch):
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"
    return None  # private-use and not-yet-assigned characters are real text


def _nonchar(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _separator_message(text: str) -> str:
    return (
        f"{_shown(text)}: a code name cannot contain '>' ('>' separates the levels of a code"
        " path such as 'Parent > Child'); remove it or write it as '›'"
    )


def check_code_name(name: str | None) -> str:
    """Return ``name`` cleaned (NFC, spaces collapsed and trimmed); raise CodingError if refused.

    See the module docstring for the rules."""
    raw = "" if name is None else str(name)
    clean = " ".join(unicodedata.normalize("NFC", raw).split())
    if not clean:
        raise CodingError("a code needs a name: type one (for a sub-code: 'Parent > Child')")
    if ">" in clean:
        raise CodingError(_separator_message(clean))
    bad = _bad_character(clean)
    if bad:
        raise CodingError(
            f"{_shown(clean)}: a code name cannot contain invisible or control characters"
            f" ({bad}); retype the name"
        )
    if len(clean) > MAX_NAME_LENGTH:
        raise CodingError(
            f"{_shown(clean)}: a code name has at most {MAX_NAME_LENGTH} characters"
            f" (this one has {len(clean)}); shorten it and put the rest in the definition"
        )
    return clean


def split_code_path(path: str | None) -> list[str]:
    """Return the checked names of a path typed as 'A > B > C' (one level when there is no '>').

    Raises CodingError when the path is empty, a level is empty or refused (see
    :func:`check_code_name`), or it has more than :data:`MAX_DEPTH` levels."""
    raw = "" if path is None else str(path)
    if not raw.strip():
        raise CodingError("a code needs a name: type one (for a sub-code: 'Parent > Child')")
    parts = raw.split(">")
    if len(parts) > 1 and any(not " ".join(p.split()) for p in parts):
        raise CodingError(_separator_message(" ".join(raw.split())))
    if len(parts) > MAX_DEPTH:
        raise CodingError(
            f"{_shown(' '.join(raw.split()))}: a code path has at most {MAX_DEPTH} levels"
            f" (this one has {len(parts)})"
        )
    return [check_code_name(p) for p in parts]


def join_code_path(names: list[str]) -> str:
    """Return the display path of ``names`` ('A > B')."""
    return PATH_SEP.join(names)


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Return the key under which two sibling names count as the same (NFC + case folding)."""
    return unicodedata.normalize("NFC", " ".join(str(name).split())).casefold()


def duplicate_message(name: str, where: str) -> str:
    """Return the one message for a name that an active sibling already has."""
    return (
        f"{_shown(name)}: a code with this name already exists under {where} (names are compared"
        " without regard to case); pick another name or use the existing code"
    )


def clean_code_name(name: str | None, fallback: str = "(unnamed code)") -> str:
    """Return a name that passes :func:`check_code_name`, made from a foreign name (importers).

    '>' becomes '›', invisible characters are dropped and the name is cut to the maximum length:
    for names from other tools' files, where refusing would lose the whole import."""
    text = unicodedata.normalize("NFC", "" if name is None else str(name)).replace(">", "\u203a")
    text = "".join(ch for ch in text if ch.isspace() or not _bad_character(ch))
    text = " ".join(text.split())[:MAX_NAME_LENGTH].strip()
    return text or fallback
