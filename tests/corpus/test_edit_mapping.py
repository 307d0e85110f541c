"""corpus.text_mapping: the one offset mapping (edits, re-ingests, de-identification)."""

from __future__ import annotations

import pytest

from corpus import map_ranges, replacement_mapping, text_mapping

OLD = (
    "Interviewer: How did teh project start?\n\n"
    "Maria: It started in 2019. The funding came late. We waited."
)


def _moved(new: str, needle: str) -> str | None:
    s = OLD.index(needle)
    span = text_mapping(OLD, new).span(s, s + len(needle), OLD, new)
    return None if span is None else new[span[0] : span[1]]


@pytest.mark.parametrize(
    ("new", "needle", "expected"),
    [
        (OLD.replace("teh", "the"), "teh project", "the project"),  # typo inside
        (OLD.replace("teh", "the"), "teh", "the"),  # a one-word coding follows its fix
        (OLD.replace("teh", "the"), "The funding came late.", "The funding came late."),  # before
        (OLD.replace("We waited.", "We waited long."), "The funding", "The funding"),  # after
        (
            OLD.replace("came", "arrived very"),
            "The funding came late.",
            "The funding arrived very late.",
        ),
        (OLD.replace("Maria:", "Interviewer: And?\n\nMaria:"), "It started", "It started"),
        (OLD.replace(" The funding came late.", ""), "The funding came late.", None),
        (
            OLD.replace("The funding came late.", "Nobody said a word."),
            "The funding came late.",
            None,
        ),
        ("Before. " + OLD, "Interviewer", "Interviewer"),  # an insertion at the edge stays out
    ],
)
def test_span_follows_its_words(new, needle, expected):
    assert _moved(new, needle) == expected


def test_identical_and_changes():
    assert text_mapping(OLD, OLD).identical
    m = text_mapping(OLD, OLD.replace("teh", "the"))
    assert not m.identical and m.changes()
    assert all(0 <= a <= b <= len(OLD) for a, b, _, _ in m.changes())


def test_unicode_offsets_are_code_points():
    old = "Señora 🚀 Muñoz dijo: café. Fin."
    new = old.replace("dijo", "dijo ayer")
    s = old.index("café")
    span = text_mapping(old, new).span(s, s + 4, old, new)
    assert new[span[0] : span[1]] == "café"


def test_map_ranges_keeps_structure_and_drops_what_is_gone():
    new = OLD.replace("Interviewer: How did teh project start?\n\n", "")
    m = text_mapping(OLD, new)
    cut = OLD.index("Maria")
    first, second = map_ranges(m, [(0, cut - 2), (cut, len(OLD))])
    assert first is None or first[0] == first[1]
    assert new[second[0] : second[1]].startswith("Maria:")


def test_replacement_mapping_is_deids_rule():
    text = "I met Patricia Robles and Robles left."
    m = replacement_mapping(len(text), [(6, 21, 10), (26, 32, 10)])
    assert (m(0), m(6), m(21), m(10), m(len(text))) == (0, 6, 16, 16, 37)
    assert m.span(6, 21) == (6, 16)


def test_long_texts_many_edits_map_every_sentence():
    words = ("policy funding council training " * 2500).split()
    old = " ".join(w + ("." if i % 9 == 8 else "") for i, w in enumerate(words))
    new = old.replace("council training", "council trainings")
    m = text_mapping(old, new)
    s = old.index("funding")
    span = m.span(s, s + 7, old, new)
    assert new[span[0] : span[1]] == "funding"
    assert m.new_len == len(new)
