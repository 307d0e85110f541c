"""De-identification of interview transcripts: find names, review them, write pseudonymized copies.

It sits above ``nlp`` (NER finds names) and ``coding`` (codings move with their words; cases
merge with their codings). The key (real name -> pseudonym) and the replacement log are files
next to the project, never in it; ``shareable_copy`` leaves out the real-name originals.
"""

from .apply import apply_review, pseudonymize
from .errors import DeidError
from .key import key_path_for, load_key, log_path_for
from .names import REVIEW_COLUMNS, add_name, find_names
from .offsets import offset_map
from .shareable import shareable_copy

__all__ = [
    "REVIEW_COLUMNS",
    "DeidError",
    "add_name",
    "apply_review",
    "find_names",
    "key_path_for",
    "load_key",
    "log_path_for",
    "offset_map",
    "pseudonymize",
    "shareable_copy",
]
