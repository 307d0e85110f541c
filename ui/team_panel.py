"""The Project page's Team section: the members and their roles, and blind coding rounds.

Owners add members, change roles, remove members, start blind rounds and open their
comparison; everyone else sees the lists. Hiding the forms is a courtesy: every write checks
the role again (workflows.access)."""

from __future__ import annotations

import streamlit as st

from coding import (
    add_member,
    blind_frame,
    members_frame,
    open_comparison,
    remove_member,
    set_role,
    start_blind,
)
from corpus import list_documents
from projectfile import QdaError
from ui.state import flash
from ui.tables import show as show_table
from workflows import Actor, Role, can

ROLE_HELP = (
    "owner: members, the codebook's structure, blind rounds, merges, de-identification, "
    "backups · editor: documents, transcripts, cases · coder: codes, memos, proposes codes · "
    "viewer: reads, searches and exports"
)


def team_section(db, actor: Actor | None) -> None:
    """Draw the Team section for ``actor`` (the member this session works as)."""
    st.subheader("Team")
    members = members_frame(db)
    owner = actor is not None and can(actor, "members")
    if members.empty:
        st.caption(
            "No members yet: at a local desk you are this project's owner. Add members to share "
            "it on a server (each then signs in with their name)."
        )
    else:
        show_table(members.rename(columns=lambda c: c.replace("_", " ")))
    st.caption(ROLE_HELP)
    if owner:
        _member_forms(db, actor, members)
    st.markdown("**Blind coding rounds**")
    rounds = blind_frame(db)
    if rounds.empty:
        st.caption("No blind round: every member sees everyone's codings.")
    else:
        shown = rounds.drop(columns=["all_documents"]).fillna({"documents": "all"})
        show_table(shown.rename(columns=lambda c: c.replace("_", " ")))
    if actor is not None and can(actor, "blind"):
        _blind_forms(db, actor, rounds)


def _do(action, message: str) -> None:
    try:
        action()
        flash("success", message)
    except QdaError as exc:
        flash("error", str(exc))
    st.rerun()


def _member_forms(db, actor: Actor, members) -> None:
    roles = [r.value for r in Role]
    with st.form("team_add", clear_on_submit=True, border=False):
        c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
        name = c1.text_input("Member's name (as they sign in)", key="team_add_name")
        role = c2.selectbox("Role", roles, index=roles.index("coder"), key="team_add_role")
        if c3.form_submit_button("Add") and name.strip():
            _do(lambda: _add(db, actor, members, name.strip(), role), f"{name} added.")
    if members.empty:
        return
    with st.form("team_change", border=False):
        c1, c2, c3, c4 = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
        who = c1.selectbox("Member", list(members["name"]), key="team_who")
        new = c2.selectbox("New role", roles, key="team_new_role")
        if c3.form_submit_button("Change role"):
            _do(lambda: set_role(db, who, new, by=actor.name), f"{who} is now {new}.")
        if c4.form_submit_button("Remove"):
            _do(lambda: remove_member(db, who, by=actor.name), f"{who} removed; their work stays.")


def _add(db, actor: Actor, members, name: str, role: str) -> None:
    """Add a member; the first one added makes the person adding them its owner too (else the
    project they manage would lock them out)."""
    if members.empty and name != actor.name:
        add_member(db, actor.name, Role.OWNER.value, by=actor.name)
    add_member(db, name, role, by=actor.name)


def _blind_forms(db, actor: Actor, rounds) -> None:
    docs = list_documents(db)
    titles = {int(i): str(t) for i, t in zip(docs["id"], docs["title"])}
    with st.form("team_blind", clear_on_submit=True, border=False):
        label = st.text_input("Round name", key="team_blind_label")
        picked = st.multiselect(
            "Documents (none: the whole project, new documents too)",
            list(titles),
            format_func=lambda i: titles[i],
            key="team_blind_docs",
        )
        if st.form_submit_button("Start a blind round"):
            _do(
                lambda: start_blind(db, label, picked or None, by=actor.name),
                "Blind round started: each coder now sees only their own work there.",
            )
    waiting = rounds[rounds["opened_at"].isna()] if not rounds.empty else rounds
    for r in waiting.itertuples():
        if st.button(
            f"Open the comparison of “{r.label or f'round {r.round_id}'}”",
            key=f"team_open_{r.round_id}",
            help="Everyone then sees everyone's codings there (Analysis page: disagreements).",
        ):
            _do(
                lambda rid=int(r.round_id): open_comparison(db, rid, by=actor.name),
                "Comparison opened.",
            )
