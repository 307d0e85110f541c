"""The reader component's Python side: selections, highlight intervals, paging (pure functions,
no browser)."""

import pandas as pd

from ui.components.span_reader import blend, highlight_intervals, safe_color, selection_from_value
from ui.components.windows import document_windows, window_index

TEXT = "Señora Muñoz 🚀 dijo: café.  "


def test_selection_maps_value_to_code_points_and_trims():
    value = {"doc": 3, "start": 6, "end": 15, "nonce": "a"}  # ' Muñoz 🚀 ' with spaces around
    sel = selection_from_value(value, 3, TEXT)
    assert (sel.document_id, sel.start, sel.end, sel.nonce) == (3, 7, 14, "a")
    assert TEXT[sel.start : sel.end] == "Muñoz 🚀"


def test_selection_rejects_other_document_bad_ranges_and_junk():
    assert selection_from_value({"doc": 2, "start": 0, "end": 4}, 3, TEXT) is None
    assert selection_from_value({"doc": 3, "start": 5, "end": 5}, 3, TEXT) is None
    assert selection_from_value({"doc": 3, "start": 0, "end": len(TEXT) + 1}, 3, TEXT) is None
    assert selection_from_value({"doc": 3, "start": -1, "end": 4}, 3, TEXT) is None
    assert selection_from_value({"doc": 3, "start": "x", "end": 4}, 3, TEXT) is None
    assert selection_from_value(None, 3, TEXT) is None
    assert selection_from_value({"doc": 3, "start": 26, "end": 28}, 3, TEXT) is None  # only spaces


def test_selection_keeps_whitespace_when_not_trimming():
    sel = selection_from_value({"doc": 1, "start": 6, "end": 15}, 1, TEXT, trim=False)
    assert (sel.start, sel.end) == (6, 15)


def _c(cid, s, e, color, code_id=None):
    return {
        "coding_id": cid,
        "char_start": s,
        "char_end": e,
        "color": color,
        "code_path": f"C{cid}",
        "coder": "a",
        "code_id": code_id or cid,
    }


def test_highlight_intervals_split_overlaps_and_stack_colours():
    out = highlight_intervals([_c(1, 10, 30, "#ff0000"), _c(2, 20, 40, "#0000ff")], 0, 100)
    assert [(i["s"], i["e"], i["ids"]) for i in out] == [
        (10, 20, [1]),
        (20, 30, [1, 2]),
        (30, 40, [2]),
    ]
    assert out[1]["lines"] == ["#ff0000", "#0000ff"]
    assert out[1]["bg"].startswith("rgba(128, 0, 128")
    assert out[0]["bg"] == blend(["#ff0000"])


def test_highlight_intervals_clip_to_window_and_mark_focus():
    out = highlight_intervals([_c(1, 5, 50, "#00ff00")], 20, 40, focus=(30, 60))
    assert [(i["s"], i["e"], i["focus"]) for i in out] == [(0, 10, False), (10, 20, True)]
    assert highlight_intervals([_c(1, 0, 10, "#00ff00")], 20, 40) == []


def test_highlight_intervals_nested_and_same_code_twice():
    out = highlight_intervals(
        [_c(1, 0, 10, "#112233", 7), _c(2, 0, 10, "#112233", 7), _c(3, 2, 4, "#445566")], 0, 10
    )
    assert [(i["s"], i["e"]) for i in out] == [(0, 2), (2, 4), (4, 10)]
    assert out[0]["lines"] == ["#112233"] and out[1]["lines"] == ["#112233", "#445566"]
    assert out[0]["ids"] == [1, 2]


def test_safe_color_refuses_css_injection():
    assert safe_color("red;background:url(x)") == "#999999"
    assert safe_color("#AbC") == "#aabbcc"


def test_windows_by_page_cover_the_text():
    pages = pd.DataFrame(
        {"number": [1, 2, 3], "char_start": [0, 100, 205], "char_end": [98, 200, 300]}
    )
    w = document_windows(310, pages=pages)
    assert [(x.start, x.end, x.label) for x in w] == [
        (0, 98, "Page 1"),
        (98, 200, "Page 2"),
        (200, 310, "Page 3"),
    ]
    assert window_index(w, 150) == 1 and window_index(w, 309) == 2 and window_index(w, 0) == 0


def test_windows_by_segments_and_by_characters():
    segs = pd.DataFrame({"kind": ["turn"] * 7, "char_start": [0, 10, 20, 30, 40, 50, 60]})
    w = document_windows(70, segments=segs, per_window=3)
    assert [(x.start, x.end) for x in w] == [(0, 30), (30, 60), (60, 70)]
    assert w[0].label == "Turns 1–3"
    text = "line\n" * 10000
    w = document_windows(len(text), text=text, max_chars=20000)
    assert w[0].start == 0 and w[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(w, w[1:]))
    assert all(text[x.end - 1] == "\n" for x in w)
    assert document_windows(0) and document_windows(50)[0].label == "Whole document"


def test_md_safe_leaves_no_markup():
    from ui.widgets import chip_html, md_safe

    out = md_safe("[x](javascript:alert(1)) <b>*y*</b> & `z`")
    assert not any(c in out for c in "<>[]()*`") and "&#38;" in out
    chip = chip_html("<script>alert(1)</script>", "red;x")
    assert "<script>" not in chip and "#999999" in chip
