"""Three short plant-visit documents, each with two training paragraphs (coded by ana) among
two others, English and Spanish: the project the assistant tests (nlp and browser) code.

Imported by name (``from visits_data import ...``), like ``raw_pdf``.
"""

from __future__ import annotations

TRAINING = [
    "The technical institute trains forty welders a year for the aerospace suppliers.",
    "Apprentices spend three days at a supplier and two days in the classroom.",
    "We certified twelve machinists in non-destructive testing last spring.",
    "Los técnicos reciben capacitación en soldadura y metrología cada semestre.",
    "La universidad abrió un curso de maquinado CNC para trabajadores de las plantas.",
    "Interns from the polytechnic learn to calibrate gauges in our quality lab.",
]
OTHER = [
    "Tariffs on steel rose after the renegotiation of the trade agreement.",
    "The weather in the valley was dry that summer.",
    "Our office moved to a larger building near the airport.",
    "La reunión terminó a las seis de la tarde.",
    "Customs brokers in Laredo check the certificates of origin for every shipment.",
    "The canteen serves tacos on Fridays.",
]


def build_visits(db, ben: bool = False) -> list[int]:
    """Store the three visits, code their training paragraphs with 'Training' as ana (and the
    first visit's first one as ben when ``ben``); return the document ids."""
    from coding import add_code, code_span
    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document

    add_code(db, "Training", coder="ana")
    docs = []
    for d in range(3):
        paras = [TRAINING[2 * d], OTHER[2 * d], TRAINING[2 * d + 1], OTHER[2 * d + 1]]
        text = "\n\n".join(paras)
        doc = store_document(
            db,
            Document(
                text=text,
                title=f"visit-{d}",
                source_name=f"visit-{d}.txt",
                language="en",
                sha256=sha256_bytes(text.encode()),
                segments=paragraphs_from_text(text),
            ),
        )
        for t in TRAINING[2 * d : 2 * d + 2]:
            start = text.index(t)
            code_span(db, doc, start, start + len(t), "Training", coder="ana")
        if ben and d == 0:
            start = text.index(TRAINING[0])
            code_span(db, doc, start, start + len(TRAINING[0]), "Training", coder="ben")
        docs.append(doc)
    return docs
