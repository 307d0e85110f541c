"""Fixtures of the nlp tests: small bilingual projects of fictional texts, built through corpus."""

from __future__ import annotations

import pytest
from nlp_docs import EN_PARAS, ES_PARAS, add_doc


@pytest.fixture
def bilingual_db(db):
    """A project with one English and one Spanish document (three paragraphs each)."""
    add_doc(db, "\n\n".join(EN_PARAS), "english-report", date="2019-05-01", language="en")
    add_doc(db, "\n\n".join(ES_PARAS), "informe-es", date="2021-03-01", language="es")
    return db
