"""Every shape a known name takes, and finding them in any text (pure functions).

A name is matched in lower case and capitals, with accents folded (Ramírez = Ramirez), its words
joined by spaces, underscores, dots, hyphens or nothing (``Ana_Robles_seguimiento``,
``ana.robles``, ``AnaRobles``), inside identifiers (an underscore is not a letter:
``entrevista_robles``), before a possessive (``Robles's``); a person's first name, surnames and
other name words alone too, and an e-mail address whose local part holds one of them. Titles
(``Dra.``) and particles (``de la``) are never matched alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

TITLES = frozenset(
    "dr dra dr. sr sra srta mr mrs ms miss prof profa lic ing mtro mtra don dona sir".split()
)
PARTICLES = frozenset(
    "de del la las los y e da das do dos di du van von der den le les el al".split()
)
MIN_PART = 3  # a name word alone is matched from three letters ('Ana', 'Gil')
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
SEP = r"[\s_.\-]*"  # between the words of a name: blanks, underscore, dot, hyphen or nothing
_LEFT = r"(?<![^\W\d_])"  # not after a letter (a digit, underscore or dot is a boundary)
_RIGHT = r"(?![^\W\d_])"
_WORD = re.compile(r"[^\W_]+")


def fold_char(c: str) -> str:
    """Return ``c`` without accents, case folded (may be empty or longer: 'ß' -> 'ss')."""
    plain = unicodedata.normalize("NFKD", c)
    return "".join(x for x in plain if not unicodedata.combining(x)).casefold()


def fold_text(text: str) -> str:
    """Return ``text`` without accents and case folded."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Return (folded text, for each folded character the index of its original character)."""
    out, back = [], []
    for i, c in enumerate(text):
        f = fold_char(c) if ord(c) > 127 else c.lower()
        out.append(f)
        back.extend([i] * len(f))
    return "".join(out), back


def name_words(name: str) -> list[str]:
    """Return the folded words of ``name`` (letters and digits), titles left out."""
    return [w for w in _WORD.findall(fold_text(name)) if w not in TITLES]


def form_patterns(name: str, person: bool = True) -> list[str]:
    """Return regular expressions (over folded text) for every shape of ``name``.

    The whole name in any joining; for a person of two words or more each significant word
    alone (first name, surnames) and first with last; for an e-mail address the address and
    its local part in any joining.
    """
    name = " ".join(str(name).split())
    if not name:
        return []
    if EMAIL.fullmatch(name):
        local = name.split("@", 1)[0]
        words = name_words(local)
        out = [re.escape(fold_text(name))]
        if words:
            out.append(SEP.join(re.escape(w) for w in words))
        return out
    words = name_words(name)
    if not words:
        return []
    out = [SEP.join(re.escape(w) for w in words)]
    if person and len(words) > 1:
        sig = [w for w in words if w not in PARTICLES and len(w) >= MIN_PART]
        out += [re.escape(w) for w in sig]
        if len(sig) > 2:
            out.append(SEP.join(re.escape(w) for w in (sig[0], sig[-1])))
    return list(dict.fromkeys(out))


class NameForms:
    """Every form of a set of names, compiled once: ``find`` returns where they are in a text.

    ``names`` maps each name to True for a person (its words alone count) or False for an
    organisation (only the whole name).
    """

    def __init__(self, names: dict[str, bool] | Iterable[tuple[str, bool]]):
        items = names.items() if isinstance(names, dict) else names
        self.owners: dict[str, list[str]] = {}
        for name, person in items:
            for frag in form_patterns(name, person):
                owners = self.owners.setdefault(frag, [])
                if name not in owners:
                    owners.append(name)
        order = sorted(self.owners, key=len, reverse=True)
        self._frags = [(re.compile(f + r"\Z"), f) for f in order]
        self.regex = re.compile(_LEFT + "(?:" + "|".join(order) + ")" + _RIGHT) if order else None
        # inside an e-mail's local part a name word counts without boundaries ('arobles@...')
        self._loose = re.compile("|".join(order)) if order else None

    def __bool__(self) -> bool:
        return self.regex is not None

    def owners_of(self, folded: str) -> list[str]:
        """Return the names whose form ``folded`` (a folded match) is."""
        for rx, frag in self._frags:
            if rx.match(folded):
                return self.owners[frag]
        return []

    def find(self, text: str, emails: bool = True) -> list[tuple[int, int, list[str]]]:
        """Return (start, end, names) of each form in ``text``, in order, never overlapping.

        An e-mail address holding a form (or being one) is one match, the whole address;
        with ``emails`` every other address is a match too, owned by no name.
        """
        if not self or not text:
            return []
        folded, back = fold_with_offsets(text)
        out: list[tuple[int, int, list[str]]] = []
        taken: list[tuple[int, int]] = []
        for m in EMAIL.finditer(text):
            local = fold_text(m.group(0).split("@", 1)[0])
            whole = fold_text(m.group(0))
            owners = self.owners_of(whole)
            if not owners:
                hit = self._loose.search(local)
                owners = self.owners_of(hit.group(0)) if hit else []
            if owners or emails:
                out.append((m.start(), m.end(), owners))
                taken.append((m.start(), m.end()))
        for m in self.regex.finditer(folded):
            s, e = back[m.start()], back[m.end() - 1] + 1
            if any(s < te and ts < e for ts, te in taken):
                continue
            out.append((s, e, self.owners_of(m.group(0))))
        return sorted(out)

    def search_folded(self, folded: str) -> list[str]:
        """Return the folded forms found in already folded text (for checking a file)."""
        if not self:
            return []
        found = [m.group(0) for m in self.regex.finditer(folded)]
        for m in EMAIL.finditer(folded):
            hit = self._loose.search(m.group(0).split("@", 1)[0])
            if hit:
                found.append(m.group(0))
        return found
