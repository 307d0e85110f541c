"""Issue 25 §4: `find` refuses a query over the length limit in every mode (it answered
"(nothing)" with exit 0), and date filters must be ISO dates (`--from "2020' OR '1'='1"` was
taken as a date)."""

from __future__ import annotations

import pytest

from cli import main
from corpus import SearchError, check_dates, search
from corpus.search.fts import MAX_QUERY_CHARS


@pytest.mark.parametrize("mode", ["hybrid", "meaning", "keyword"])
def test_find_refuses_a_query_over_the_limit(project_path, capsys, mode):
    argv = ["find", "a" * 10_000, "--mode", mode, "--project", str(project_path)]
    assert main(argv) != 0
    captured = capsys.readouterr()
    assert "(nothing)" not in captured.out
    assert "too long" in captured.err and f"limit is {MAX_QUERY_CHARS}" in captured.err


@pytest.mark.parametrize("flag", ["--from", "--to"])
def test_search_refuses_a_date_that_is_not_a_date(project_path, capsys, flag):
    argv = ["search", "consejo", flag, "2020' OR '1'='1", "--project", str(project_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is not a date" in err and "YYYY-MM-DD" in err


@pytest.mark.parametrize("value", ["2020", "2020-02", "2020-02-29", "2021-12-31"])
def test_iso_dates_are_accepted(db, value):
    check_dates(value, None)
    search(db, "consejo", date_from=value)  # no error


@pytest.mark.parametrize(
    "value", ["2021-02-30", "2021-13", "20210101", "2021/01/01", "yesterday", "2020' OR '1'='1"]
)
def test_other_dates_are_refused(db, value):
    with pytest.raises(SearchError, match="is not a date"):
        search(db, "consejo", date_to=value)


def test_from_after_to_is_refused(db):
    with pytest.raises(SearchError, match="after the 'to' date"):
        check_dates("2022-01-01", "2020-12-31")


def test_meaning_search_checks_dates_before_any_model(db):
    from nlp import search_passages

    with pytest.raises(SearchError, match="is not a date"):
        search_passages(db, "consejo", "meaning", date_from="1' OR 1=1")
