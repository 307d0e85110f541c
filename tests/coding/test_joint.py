"""Mixed-methods displays: attribute groups (bins, merged categories, blanks), joint displays
whose shares are hand-counted fractions, a crosstab of two attributes filtered by a code, two
groups compared for one code; on a small project of whole-case codings and on the bilingual demo
(representative quotes)."""

from __future__ import annotations

import pytest
from demo_data import demo_copy

from coding import (
    CodingError,
    Scope,
    attribute_crosstab,
    attribute_groups,
    code_attribute_matrix,
    code_case,
    codings_frame,
    compare_groups,
    ensure_code_path,
    joint_display,
    representative_quotes,
)
from interviews import define_attribute, ensure_case, set_attribute
from projectfile import open_project

PEOPLE = {  # name: (sector, country, age)
    "Ana": ("industry", "Mexico", 29),
    "Beto": ("industry", "Mexico", 30),
    "Carla": ("industry", "United States", 44),
    "Dora": ("industry", "Mexico", None),
    "Eva": ("academia", "Mexico", 61),
    "Fede": ("academia", "United States", 52),
}


@pytest.fixture
def six(db):
    """Six cases, four in industry and two in academia, coded as whole cases."""
    define_attribute(db, "sector", "category", ["industry", "academia"])
    define_attribute(db, "country", "text")
    define_attribute(db, "age", "number")
    ids = {}
    for name, (sector, country, age) in PEOPLE.items():
        ids[name] = ensure_case(db, name)
        set_attribute(db, name, "sector", sector)
        set_attribute(db, name, "country", country)
        if age is not None:
            set_attribute(db, name, "age", age)
    for path in ("Talent", "Funding > Public", "Funding > Private"):
        ensure_code_path(db, path, coder="ana")
    for name, code in [
        ("Ana", "Talent"),
        ("Ana", "Talent"),  # a second coding by another coder below
        ("Beto", "Talent"),
        ("Carla", "Talent"),
        ("Eva", "Talent"),
        ("Ana", "Funding > Private"),
        ("Fede", "Funding > Public"),
        ("Beto", "Funding > Public"),
    ]:
        code_case(db, ids[name], code, coder="ana")
    code_case(db, ids["Ana"], "Talent", coder="ben")
    return ids


def test_attribute_groups_bins_numbers_and_blanks(six, db):
    groups = attribute_groups(db, "age", [0, 30, 45, 60, 120])
    got = dict(zip(groups["case_id"], groups["group"]))
    assert got[six["Ana"]] == "0–29" and got[six["Beto"]] == "30–44"
    assert got[six["Carla"]] == "30–44" and got[six["Dora"]] == "(none)"
    assert got[six["Eva"]] == "60–119" and got[six["Fede"]] == "45–59"
    # 44, 61 and 52 fall outside [0, 40)
    assert attribute_groups(db, "age", [0, 40])["group"].tolist().count("(out of range)") == 3
    merged = attribute_groups(db, "country", {"North America": ["mexico", "United States"]})
    assert set(merged["group"]) == {"North America"}
    with pytest.raises(CodingError, match="not a number"):
        attribute_groups(db, "sector", [0, 10])


def test_joint_display_shares_match_hand_count(six, db):
    jd = joint_display(db, Scope(count="codings", children=True), attribute="sector")
    cell = jd.set_index(["code_path", "group"])
    # Talent: Ana, Beto, Carla of 4 industry cases (Ana twice + ben's once); Eva of 2 academics
    assert cell.loc[
        ("Talent", "industry"), ["cases_with", "cases_in_group", "codings"]
    ].tolist() == [
        3,
        4,
        4,
    ]
    assert cell.loc[("Talent", "industry"), "share"] == 3 / 4
    assert cell.loc[("Talent", "academia"), "share"] == 1 / 2
    # Funding gathers Public and Private: Ana, Beto in industry; Fede in academia
    assert cell.loc[("Funding", "industry"), "share"] == 2 / 4
    assert cell.loc[("Funding", "academia"), "share"] == 1 / 2
    assert list(dict.fromkeys(jd["group"])) == ["academia", "industry"]
    # counting segments: the two coders' codings of Ana's case count once
    seg = joint_display(db, Scope(count="segments", children=True), attribute="sector")
    assert seg.set_index(["code_path", "group"]).loc[("Talent", "industry"), "codings"] == 3
    by_age = joint_display(db, Scope(codes=("Talent",)), attribute="age", bins=[0, 30, 45, 120])
    assert by_age["group"].tolist() == ["0–29", "30–44", "45–119", "(none)"]
    assert by_age["share"].tolist() == [1.0, 1.0, 0.5, 0.0]
    with pytest.raises(CodingError):
        joint_display(db, Scope())


def test_crosstab_filtered_by_code(six, db):
    every = attribute_crosstab(db, "sector", "country")
    assert every.loc["industry"].tolist() == [3, 1] and every.loc["academia"].tolist() == [1, 1]
    talent = attribute_crosstab(db, "sector", "country", Scope(codes=("Talent",)))
    # Talent: Ana, Beto (Mexico), Carla (US) in industry; Eva (Mexico) in academia
    assert talent.loc["industry"].tolist() == [2, 1] and talent.loc["academia"].tolist() == [1, 0]
    assert int(talent.to_numpy().sum()) == 4


def test_compare_groups_only_in_a(six, db):
    scope = Scope(codes=("Funding",), children=True, count="codings")
    cmp = compare_groups(db, scope, {"sector": "industry"}, {"sector": "academia"})
    rows = cmp.set_index("code_path")
    assert rows.loc["Funding > Private", ["a_cases", "b_cases", "only_in"]].tolist() == [1, 0, "A"]
    assert rows.loc["Funding > Public", ["a_share", "b_share"]].tolist() == [1 / 4, 1 / 2]
    assert rows.loc["Funding > Public", "diff"] == 1 / 4 - 1 / 2
    assert rows.loc["Funding", "only_in"] == ""
    with pytest.raises(CodingError, match="one code"):
        compare_groups(db, Scope(), {"sector": "industry"}, {"sector": "academia"})
    with pytest.raises(CodingError, match="share cases"):
        compare_groups(db, scope, {"sector": "industry"}, {"country": "Mexico"})


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-cache")


def test_joint_display_on_demo_quotes_and_counts(tmp_path, demo_cache):
    db = open_project(demo_copy(tmp_path, demo_cache))
    scope = Scope(count="codings")
    jd = joint_display(db, scope, attribute="sector", quotes=2)
    matrix = code_attribute_matrix(db, "sector", value="codings", scope=scope)
    for path, group, n in jd[["code_path", "group", "codings"]].values:
        expected = matrix.loc[path, group] if path in matrix.index else 0
        assert n == expected, (path, group)
    codings = codings_frame(db).set_index("coding_id")
    picked = [i for t in jd["quote_coding_ids"] for i in t]
    assert picked and all(len(t) <= 2 for t in jd["quote_coding_ids"])
    for row in jd.itertuples():
        for i in row.quote_coding_ids:
            assert codings.loc[i, "code_path"] == row.code_path
    # longest first, one per case
    ids = codings[codings["code_path"] == "Talent > Training"].index.tolist()
    first = representative_quotes(db, ids, n=1)
    lengths = (codings.loc[ids, "char_end"] - codings.loc[ids, "char_start"]).to_dict()
    assert lengths[first[0]] == max(lengths.values())
    assert representative_quotes(db, ids, n=1, limit=10) != first or max(lengths.values()) <= 10
    db.conn.close()
