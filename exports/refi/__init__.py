"""REFI-QDA interchange: export a project as ``.qdpx`` and its codebook as ``.qdc`` (``export``,
with XML building blocks and stable GUIDs in ``elements``); import them (``parse`` reads the
archive safely through ``safezip`` into the dataclasses of ``model``, ``sources`` reads text, PDF
and transcript sources and ``positions`` converts other tools' selection positions to our
offsets; ``store`` writes the whole in one transaction); ``merge`` brings a ``.qdpx`` into an open
project.

What the rest of ``exports`` uses; other packages reach these through ``exports``'s front door.
"""

from .export import codebook_qdc_bytes, export_qdc, export_qdpx
from .media import MEDIA_MODES
from .merge import merge_qdpx
from .parse import parse_qdpx
from .store import ImportReport, import_qdc, import_qdpx

__all__ = [
    "ImportReport",
    "MEDIA_MODES",
    "codebook_qdc_bytes",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "merge_qdpx",
    "parse_qdpx",
]
