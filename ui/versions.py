"""After an upload: a corrected file under a coded document's name carries its codings and entity
mentions to the new version (``coding.follow_new_versions``, ``nlp.carry_entities``)."""

from __future__ import annotations

from coding import follow_new_versions
from nlp import carry_entities


def follow_versions(db, coder: str = "system") -> str:
    """Carry codings and entity mentions to new versions of coded documents; return a line for
    the person ('' when there was none)."""
    results = follow_new_versions(db, coder=coder)
    if not results:
        return ""
    carry_entities(db, [r.new_document_id for r in results])
    return " ".join(r.summary() for r in results)
