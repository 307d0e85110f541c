"""Escaping text a person or a document wrote, for Streamlit's Markdown (no other ui imports, so
every ui module can use it)."""

from __future__ import annotations

_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~$:"}


def md_safe(text: str) -> str:
    """Return ``text`` with HTML and Markdown special characters as entities (for st.markdown)."""
    return "".join(_ENTITIES.get(ch, ch) for ch in str(text))
