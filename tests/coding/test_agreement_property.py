"""Property test: char-level agreement from run-length units equals the statistics on explicit
per-character data."""

from __future__ import annotations

import hashlib
import math

import krippendorff
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coding as C
from coding.agreement import agreement
from coding.agreement_stats import cohen_kappa
from corpus.model import Document
from corpus.store import store_document
from projectfile import open_project

N = 60
SPAN = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["K", "L"]),
    st.integers(0, N - 1),
    st.integers(1, 25),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spans=st.lists(SPAN, min_size=1, max_size=12))
def test_char_agreement_equals_per_character_statistics(tmp_path_factory, spans):
    db = open_project(tmp_path_factory.mktemp("a") / "a.qda.sqlite")
    text = "y" * N
    doc = store_document(
        db,
        Document(
            text=text,
            title="t",
            source_name="t.txt",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        ),
        segment_language=False,
    )
    C.add_code(db, "K")
    C.add_code(db, "L")
    data = {}
    for coder, code, s, n in spans:
        e = min(N, s + n)
        C.code_span(db, doc, s, e, code, coder)
        data.setdefault(coder, {}).setdefault(code, np.zeros(N))[s:e] = 1
    coders = sorted(data)
    if len(coders) < 2:
        assert agreement(db).iloc[-1]["units"] == 0
        return
    df = agreement(db).set_index("code_path")
    for code in ("K", "L"):
        arr = np.array([data[c].get(code, np.zeros(N)) for c in coders])
        if code not in df.index:  # codes nobody used are not listed
            assert not arr.any()
            continue
        if (arr == arr[0, 0]).all():
            expected_alpha = float("nan")
        else:
            expected_alpha = krippendorff.alpha(
                reliability_data=arr, level_of_measurement="nominal"
            )
        got = df.loc[code, "alpha"]
        assert (math.isnan(expected_alpha) and (math.isnan(got) or got == 1.0)) or abs(
            got - expected_alpha
        ) < 1e-9
        if len(coders) == 2:
            k = cohen_kappa(list(arr[0]), list(arr[1]))
            assert (math.isnan(k) and math.isnan(df.loc[code, "kappa"])) or abs(
                df.loc[code, "kappa"] - k
            ) < 1e-9
            assert abs(df.loc[code, "percent_agreement"] - (arr[0] == arr[1]).mean()) < 1e-12
    db.conn.close()
