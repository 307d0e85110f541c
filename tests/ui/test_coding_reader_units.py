"""The span reader's pure helpers: margin entries and a highlighted passage over codings."""

from __future__ import annotations

from ui.components.span_reader import highlight_intervals, margin_items, with_highlight


def rows():
    return [
        {
            "coding_id": 1,
            "code_id": 1,
            "code_path": "A",
            "color": "#ff0000",
            "coder": "ana",
            "char_start": 10,
            "char_end": 20,
        },
        {
            "coding_id": 2,
            "code_id": 2,
            "code_path": "B <i>",
            "color": "red;}",
            "coder": "ben",
            "char_start": 15,
            "char_end": 40,
        },
        {
            "coding_id": 3,
            "code_id": 1,
            "code_path": "A",
            "color": "#ff0000",
            "coder": "ana",
            "char_start": 200,
            "char_end": 210,
        },
    ]


def test_margin_items_are_window_relative_clipped_and_safe():
    got = margin_items(rows(), 12, 100)
    assert [(m["id"], m["s"], m["e"]) for m in got] == [(1, 0, 8), (2, 3, 28)]
    assert got[1]["label"] == "B <i>"  # text: the browser puts it in a text node
    assert got[1]["color"] == "#999999"  # not a colour: grey, never raw CSS


def test_with_highlight_marks_exactly_the_passage():
    ivs = highlight_intervals(rows(), 0, 100)
    out = with_highlight(ivs, 0, 100, (5, 30))
    covered = [(iv["s"], iv["e"]) for iv in out if iv["focus"]]
    assert covered[0][0] == 5 and covered[-1][1] == 30
    assert all(a[1] == b[0] for a, b in zip(covered, covered[1:]))  # no gap inside
    assert not any(iv["focus"] for iv in out if iv["s"] >= 30 or iv["e"] <= 5)
    # codings keep their ids where the passage cuts them
    assert {i for iv in out for i in iv["ids"]} == {1, 2}
    assert sorted((iv["s"], iv["e"]) for iv in out) == [(iv["s"], iv["e"]) for iv in out]
    # outside the window: unchanged
    assert with_highlight(ivs, 0, 100, (150, 160)) == ivs
