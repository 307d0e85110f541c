"""Small bilingual fictional documents for the nlp tests, built through the corpus front door.

Imported by name (`from nlp_docs import ...`), never through `conftest`: which folder's conftest a
bare `import conftest` finds depends on what else pytest collected.
"""

from __future__ import annotations

EN_PARAS = [
    "The MUSEIC consortium met in Monterrey with CONACYT officials to discuss advanced "
    "manufacturing.",
    "Under NAFTA, the aerospace cluster in Querétaro grew quickly; General Electric opened a "
    "design centre.",
    "María González from the Universidad Autónoma de Nuevo León said CONACYT funding arrived late.",
]
ES_PARAS = [
    "El consorcio MUSEIC firmó un convenio con el Consejo Nacional de Ciencia y Tecnología en "
    "la Ciudad de México.",
    "Con el TLCAN y después el T-MEC, las empresas de Jalisco invirtieron en manufactura avanzada.",
    "Juan Pérez, director del clúster automotriz de Coahuila, habló con la Secretaría de Economía.",
]


def make_document(
    text: str,
    title: str,
    paragraphs: bool = True,
    kind: str = "policy",
    date: str | None = None,
    language: str | None = None,
    segments: list | None = None,
):
    """Return a corpus Document whose segments are ``segments`` or the blank-line paragraphs of
    ``text``."""
    from corpus import Document, paragraphs_from_text, sha256_bytes

    return Document(
        text=text,
        title=title,
        source_name=title + ".txt",
        kind=kind,
        sha256=sha256_bytes(text.encode()),
        size=len(text.encode()),
        segments=segments
        if segments is not None
        else (paragraphs_from_text(text) if paragraphs else []),
        date=date,
        language=language,
    )


def add_doc(db, text: str, title: str, **kw) -> int:
    """Store a document made from ``text``; return its id."""
    from corpus import store_document

    return store_document(db, make_document(text, title, **kw))
