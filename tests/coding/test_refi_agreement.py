"""Agreement is the same after a REFI-QDA (.qdpx) round trip through the exports package."""

from __future__ import annotations

import pandas as pd

import coding as C
import exports
from coding.agreement import agreement
from projectfile import open_project


def test_agreement_survives_qdpx_round_trip(db, docs, tmp_path):
    C.add_code(db, "Funding")
    C.add_code(db, "Public", parent="Funding")
    d = docs["policy"]
    C.code_span(db, d, 0, 60, "Funding > Public", "ana")
    C.code_span(db, d, 30, 90, "Funding > Public", "ben")
    C.code_span(db, d, 100, 140, "Funding", "ben")
    before = agreement(db, unit="char")
    path = exports.export_qdpx(db, tmp_path / "p.qdpx")
    exports.import_qdpx(path, tmp_path / "imported.qda.sqlite")
    other = open_project(tmp_path / "imported.qda.sqlite")
    after = agreement(other, unit="char")
    cols = ["code_path", "units", "percent_agreement", "kappa", "alpha"]
    pd.testing.assert_frame_equal(
        before[cols].reset_index(drop=True), after[cols].reset_index(drop=True)
    )
    assert set(C.codings_frame(other)["coder"]) == {"ana", "ben"}
