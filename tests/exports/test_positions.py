"""Position conversion: other tools' units and line ends map back onto the same words of our
canonical text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import normalize_text
from exports.refi.positions import convert_positions

WORDS = [
    "consorcio",
    "técnicos",
    "🙂",
    "NAFTA",
    "año",
    "e\u0301xito",
    "𝔘nicode",
    "innovation",
    "Querétaro",
    "—",
]


def _encode(text: str, i: int, unit: str) -> int:
    prefix = text[:i]
    if unit == "utf16":
        return len(prefix.encode("utf-16-le")) // 2
    if unit == "utf8":
        return len(prefix.encode("utf-8"))
    return len(prefix)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=6, max_size=40),
    seps=st.lists(st.sampled_from([" ", " ", "\r\n", "\n", ", "]), min_size=40, max_size=40),
    picks=st.lists(st.integers(min_value=0, max_value=39), min_size=1, max_size=6),
    tool=st.sampled_from(
        [
            ("NVivo 12", "utf16", True),
            ("QualCoder 3.5", "codepoint", False),
            ("MAXQDA 2022", "codepoint", False),
            ("Taguette", "utf8", False),
        ]
    ),
)
def test_selections_land_on_the_same_words(words, seps, picks, tool):
    origin, unit, crlf = tool
    raw = "".join(w + s for w, s in zip(words, seps))
    counted = raw.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else raw
    starts, pos = [], 0
    for w, s in zip(words, seps):
        starts.append((pos, w))
        pos += len(w) + len(s)
    chosen = sorted({p % len(words) for p in picks})
    positions, expected = [], []
    for k in chosen:
        # the k-th word's place in the text as the tool counted it
        cp_start = (
            len(raw[: starts[k][0]].replace("\r\n", "\n").replace("\n", "\r\n"))
            if crlf
            else starts[k][0]
        )
        s = _encode(counted, cp_start, unit)
        e = _encode(counted, cp_start + len(starts[k][1]), unit)
        positions.append((s, e))
        expected.append(normalize_text(starts[k][1]))
    conv = convert_positions(raw, positions, origin)
    assert conv.text == normalize_text(raw)
    got = [conv.text[a:b] for a, b in conv.spans]
    assert got == expected
