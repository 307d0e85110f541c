"""Full-text search: ranking, operators, diacritics, snippets, filters and plain errors."""

from __future__ import annotations

import pytest

from corpus.model import Document, Segment, paragraphs_from_text, sha256_bytes
from corpus.search import (
    HIT_END,
    HIT_START,
    SearchError,
    count_hits,
    search,
    snippet_to_html,
    to_fts_query,
)
from corpus.store import store_document

DOCS = [
    (
        "Council brief",
        "policy",
        "2014-05-01",
        [
            "The innovation council met in Monterrey to discuss advanced manufacturing and"
            " aerospace suppliers.",
            "Manufacturing manufacturing manufacturing: the word repeats so this paragraph"
            " ranks first.",
            "Peña Nieto opened the meeting with a speech on trade under NAFTA.",
        ],
    ),
    (
        "Acta del consorcio",
        "policy",
        "2016-09-12",
        [
            "La tecnología del consorcio de Querétaro apoya a los proveedores aeroespaciales.",
            "El CONACYT financia la formación de técnicos en manufactura avanzada.",
        ],
    ),
    (
        "Interview notes",
        "interview",
        "2019-02-20",
        [
            "We talked about the university laboratory and the supplier programme in Saltillo.",
            "The laboratory was far from the supplier, about forty kilometres away from the plant.",
        ],
    ),
]


@pytest.fixture
def sdb(db):
    ids = {}
    for title, kind, date, paras in DOCS:
        text = "\n\n".join(paras)
        doc = Document(
            text=text,
            title=title,
            source_name=title + ".txt",
            kind=kind,
            date=date,
            sha256=sha256_bytes(text.encode()),
            segments=paragraphs_from_text(text),
        )
        ids[title] = store_document(db, doc)
    db.ids = ids
    return db


def _texts(df):
    return [s.replace(HIT_START, "").replace(HIT_END, "") for s in df.snippet]


def test_search_bm25_ranks_denser_paragraph_first(sdb):
    hits = search(sdb, "manufacturing")
    assert len(hits) == 2
    assert hits.iloc[0].snippet.count(HIT_START) >= 3
    assert list(hits.score) == sorted(hits.score)


def test_search_phrase_and_boolean_operators(sdb):
    assert len(search(sdb, '"advanced manufacturing"')) == 1
    assert len(search(sdb, '"manufacturing advanced"')) == 0
    assert len(search(sdb, "laboratory supplier")) == 2  # implicit AND
    assert len(search(sdb, "laboratory AND Saltillo")) == 1
    assert len(search(sdb, "Saltillo OR Monterrey")) == 2
    assert len(search(sdb, "laboratory NOT Saltillo")) == 1
    assert len(search(sdb, "(Saltillo OR Monterrey) AND council")) == 1


def test_search_prefix_and_near(sdb):
    assert len(search(sdb, "manufact*")) == 3  # manufacturing x2 and Spanish manufactura
    assert len(search(sdb, "aeroespa*")) == 1
    assert (
        len(search(sdb, "NEAR(laboratory supplier, 3)")) == 1
    )  # only the Saltillo paragraph has them close
    assert len(search(sdb, "NEAR(laboratory supplier, 10)")) == 2


def test_search_diacritics_folded_both_ways(sdb):
    assert len(search(sdb, "Pena Nieto")) == 1
    assert len(search(sdb, "Peña Nieto")) == 1
    assert len(search(sdb, "tecnologia")) == 1
    assert len(search(sdb, "tecnología")) == 1
    assert len(search(sdb, "Queretaro")) == 1
    assert "Peña Nieto" in _texts(search(sdb, "pena"))[0]


def test_search_snippet_markers_and_html(sdb):
    hit = search(sdb, "Monterrey").iloc[0]
    assert f"{HIT_START}Monterrey{HIT_END}" in hit.snippet
    assert snippet_to_html("a <b> " + HIT_START + "x" + HIT_END) == "a &lt;b&gt; <mark>x</mark>"
    text = DOCS[0][3][0]
    assert text[0 : len(text)] in "\n\n".join(DOCS[0][3])
    assert (hit.char_start, hit.char_end) == (0, len(text))


def test_search_filters_kind_language_date_documents(sdb):
    assert set(search(sdb, "laboratory OR consorcio OR council", kinds=["interview"]).kind) == {
        "interview"
    }
    es = search(sdb, "consorcio OR CONACYT OR council", languages=["es"])
    assert set(es.title) == {"Acta del consorcio"}
    assert set(search(sdb, "supplier* OR proveedores", date_from="2015-01-01").title) == {
        "Acta del consorcio",
        "Interview notes",
    }
    assert set(search(sdb, "supplier* OR proveedores", date_to="2015-01-01").title) == {
        "Council brief"
    }
    only = search(sdb, "supplier*", document_ids=[sdb.ids["Interview notes"]])
    assert set(only.title) == {"Interview notes"}
    assert count_hits(sdb, "supplier*") == 3


def test_search_paging(sdb):
    all_hits = search(sdb, "the", limit=100)
    page2 = search(sdb, "the", limit=2, offset=2)
    assert list(page2.segment_id) == list(all_hits.segment_id[2:4])


@pytest.mark.parametrize(
    "query", ['"open phrase', "a AND", "OR b", "(a OR b", "a)", "NOT a", "", "  ", "NEAR(a b"]
)
def test_search_broken_syntax_gives_plain_message(sdb, query):
    with pytest.raises(SearchError) as e:
        search(sdb, query)
    msg = str(e.value)
    assert msg and "Traceback" not in msg and "fts5" not in msg.lower()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("T-MEC", '"T-MEC"'),
        ("U.S.", '"U.S."'),
        ("co-op*", '"co-op"*'),
        ("note:x", '"note:x"'),
        ('say "hello world"', 'say "hello world"'),
        ("NEAR(a b, 5)", "NEAR(a b,5)"),
    ],
)
def test_search_query_cleaning(query, expected):
    assert to_fts_query(query) == expected


def test_search_punctuated_words_work(db):
    text = "The T-MEC replaced NAFTA; the U.S. and Mexico signed."
    store_document(
        db,
        Document(
            text=text,
            title="t",
            source_name="t.txt",
            sha256="1" * 64,
            segments=[Segment(0, len(text))],
        ),
    )
    assert len(search(db, "T-MEC")) == 1
    assert len(search(db, "U.S.")) == 1
    assert len(search(db, "tmec")) == 0
