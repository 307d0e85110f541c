"""The search index beside the project finds exactly the segments FTS5 finds, with FTS5's
snippets: many query shapes over a generated bilingual corpus with accents and odd characters."""

from __future__ import annotations

import random

import pytest
import tantivy
from search_index_fixtures import (
    ODD,
    IndexUse,
    fts5_only,
    index_from_ten_segments,
    same_hits,
    store_generated,
)

from corpus import count_hits, search, store_version, sync_search_index
from corpus.search import HIT_END, HIT_START, SearchError
from corpus.search import index as search_index
from corpus.search.query import Near, Op, Phrase, parse_fts_query
from corpus.search.tokens import fold_text, tokens, unicode61_table
from corpus.store import set_document_fields

QUERIES = [
    "the",
    "de",
    "tecnologia",
    "TECNOLOGÍA",
    "tecnología",
    "Pena Nieto",
    '"Peña Nieto"',
    '"peña nieto" OR conacyt',
    "Queretaro",
    "T-MEC",
    '"t mec"',
    "e-mail",
    "co-operation",
    "4.0",
    "3.14",
    "don't",
    "O'Brien",
    "snake_case",
    "straße",
    "strasse",
    "istanbul",
    "İstanbul",
    "finance",
    "ﬁnance",
    "naive",
    "aero",
    "xy",
    "東京都",
    "x²",
    "sofia",
    "ΣΟΦΊΑ",
    "mañana",
    "innov*",
    "tecno*",
    "TEC*",
    "T-ME*",
    "co-oper*",
    "exp*",
    "council innovation",
    "council AND innovation",
    "council OR consejo",
    "council NOT innovation",
    "council NOT innovation NOT trade",
    "council OR consejo NOT innovation",
    "council innovation OR consejo alianza",
    "council NOT innovation trade",
    "(council OR consejo) AND (trade OR acuerdo)",
    "(council OR consejo) NOT (trade OR acuerdo)",
    "((council AND trade) OR (consejo AND acuerdo)) NOT federal",
    "council AND innovation NOT trade",
    '"the council"',
    '"la innovación"',
    "NEAR(council innovation, 3)",
    "NEAR(the of)",
    "NEAR(peña nieto, 0)",
    "NEAR(council innovation) OR trade",
    "C++",
    "#hashtag",
    "nothingmatchesthis",
]
FILTERS = [
    {},
    {"kinds": ["policy"]},
    {"kinds": ["interview", "other"]},
    {"languages": ["es"]},
    {"languages": ["en", "es"]},
    {"date_from": "2005-01-01"},
    {"date_from": "2005-01-01", "date_to": "2012-12-31"},
    {"date_to": "2003"},
    {"include_old": True},
    {"kinds": ["policy"], "languages": ["en"], "date_from": "2001-01-01"},
]


@pytest.fixture
def small_threshold(monkeypatch):
    index_from_ten_segments(monkeypatch)


@pytest.fixture
def gdb(db, small_threshold):
    ids = store_generated(db)
    # old versions: two documents edited, one moved to another kind
    store_version(db, ids[0], "The council met again: innovation and trade, versión nueva.")
    store_version(db, ids[4], "Consejo de innovación en Querétaro; tecnología al día.")
    set_document_fields(db, ids[5], kind="policy")
    assert sync_search_index(db) == "built"
    return db


def test_every_query_shape_matches_fts5(gdb, monkeypatch):
    use = IndexUse(monkeypatch)
    total = 0
    for q in QUERIES:
        for f in FILTERS:
            total += same_hits(gdb, q, **f)
    assert total > 1000
    assert use.used > len(QUERIES) * len(FILTERS) // 2  # the index answered (NEAR: FTS5 often)


def test_document_filter_and_offsets(gdb):
    doc_ids = [r[0] for r in gdb.execute("SELECT id FROM documents LIMIT 6").fetchall()]
    assert same_hits(gdb, "the OR de", document_ids=doc_ids) > 0
    assert same_hits(gdb, "the OR de", document_ids=[99999]) == 0
    everything = search(gdb, "the OR de", limit=10_000)["segment_id"].tolist()
    pages = [search(gdb, "the OR de", limit=7, offset=o)["segment_id"].tolist() for o in (0, 7)]
    assert pages[0] + pages[1] == everything[:14]


def test_count_hits_matches_fts5(gdb):
    for q in ("the", "tecnologia", "innov*", '"peña nieto"', "council NOT trade", "xy"):
        for f in FILTERS:
            ours = count_hits(gdb, q, **f)
            with fts5_only():
                assert ours == count_hits(gdb, q, **f), (q, f)


def test_snippets_and_scores_keep_the_format(gdb):
    hits = search(gdb, "tecnologia", limit=5)
    assert len(hits) == 5
    assert all(HIT_START in s and HIT_END in s for s in hits["snippet"])
    assert hits["score"].is_monotonic_increasing  # lower is better, as with FTS5's bm25


def test_bad_queries_still_say_what_is_wrong(gdb):
    for q in ("", "council AND", '"open', "😀😀", "(((((( a ))))))", "a" * 600):
        with pytest.raises(SearchError):
            search(gdb, q)


def test_query_tree_follows_fts5_precedence():
    a, b, c = (Phrase((w,)) for w in "abc")
    assert parse_fts_query("a OR b c") == Op("or", (a, Op("and", (b, c))))
    assert parse_fts_query("a NOT b c") == Op("not", (a, Op("and", (b, c))))
    assert parse_fts_query("a AND b NOT c") == Op("and", (a, Op("not", (b, c))))
    assert parse_fts_query('"t-mec"*') == Phrase(("t", "mec"), prefix=True)
    assert parse_fts_query("NEAR(a b,5)") == Near((a, b), 5)
    assert parse_fts_query('"_"') is None  # no tokens: FTS5 drops it; FTS5 answers
    assert parse_fts_query("NEAR(a b) c") is None


def test_tokens_are_fts5s_for_every_code_point_of_planes_0_to_2():
    """The shipped table equals what this SQLite's unicode61 does (Unicode 6.1, fixed)."""
    import json

    shipped = json.loads(search_index_table_text())
    fresh = unicode61_table(range(0x30000))
    assert _clip(shipped, 0x30000) == fresh


def search_index_table_text() -> str:
    from corpus.search.tokens import TABLE_FILE

    return TABLE_FILE.read_text(encoding="utf-8")


def _clip(table: dict, limit: int) -> dict:
    def clip(ranges):
        return [[lo, min(hi, limit - 1)] for lo, hi in ranges if lo < limit]

    return {
        "separators": clip(table["separators"]),
        "dropped": clip(table["dropped"]),
        "folded": {k: v for k, v in table["folded"].items() if int(k) < limit},
    }


def test_tokens_of_random_text_match_fts5_and_tantivy():
    import sqlite3

    rng = random.Random(3)
    alphabet = [chr(c) for c in range(32, 0x2FFF) if not 0xD800 <= c < 0xE000] + ODD
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(300)]
    conn.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", list(enumerate(texts, 1)))
    theirs: dict[int, list] = {}
    for term, doc, offset in conn.execute("SELECT term, doc, offset FROM v"):
        theirs.setdefault(doc, []).append((offset, term))
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    for i, text in enumerate(texts, 1):
        expected = [t for _o, t in sorted(theirs.get(i, []))]
        assert tokens(text) == expected, repr(text)
        assert analyzer.analyze(fold_text(text)) == expected, repr(text)


def test_small_projects_keep_fts5_alone(db, monkeypatch, tmp_path):
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", False)
    store_generated(db, n_docs=3)
    assert sync_search_index(db) == "none"
    assert not search_index.index_dir(tmp_path / "test.qda.sqlite").exists()
    assert len(search(db, "the")) > 0
    assert db.execute("SELECT COUNT(*) FROM search_changes").fetchone()[0] == 0
