"""Codebook page: the code tree with counts; add, edit every field, move, reorder, merge,
trash and restore, CSV. In a team (issue 22) owners change the structure and see the codes coders
proposed (accept, rename and accept, reject); coders propose codes; viewers read. The list and
the proposals are a live fragment: another member's change shows without a reload."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from coding import (
    accept_code,
    add_code,
    audit_frame,
    codebook_csv,
    codebook_history_frame,
    codebook_periods,
    codes_frame,
    compare_snapshots,
    delete_code,
    free_quick_keys,
    import_codebook_csv,
    merge_codes,
    move_code,
    next_color,
    pin_quick_key,
    proposed_codes,
    redo,
    reorder_codes,
    restore_code,
    snapshot_codebook,
    snapshots_frame,
    trash_frame,
    undo,
    update_code,
)
from exports import export_qdc, history_docx, history_markdown
from projectfile import QdaError, private_tempdir
from ui.common import allowed, current_coder, get_db, session_id
from ui.escape import md_safe
from ui.live import live_fragment
from ui.state import flash, show_flash
from ui.tables import readable_date

st.title("Codebook")
db = get_db()
coder = current_coder()
# hide what the role may not do (the write guard refuses it anyway)
owner = allowed("codebook")  # changes the codebook's structure
proposer = allowed("propose_code")  # a coder: proposes codes


def act(fn, *args, ok: str = "Saved.", **kwargs) -> None:
    """Run a codebook change; show its error in plain words instead of a traceback."""
    try:
        fn(*args, **kwargs)
    except QdaError as exc:
        flash("error", str(exc))  # messages quote code names: shown escaped
    else:
        flash("success", ok)
    st.rerun()


codes = codes_frame(db)
paths = codes["path"].tolist()

if allowed("code"):
    top = st.columns([1, 1, 4])
    if top[0].button("↶ Undo", help="undo your last codebook or coding action"):
        act(undo, db, coder, ok="Undone.")
    if top[1].button("↷ Redo"):
        act(redo, db, coder, ok="Redone.")


def add_and_pin(name: str, parent: str | None, color: str, definition: str, key: int | None):
    """Add a code; pin it to the coder's quick ``key`` when one was chosen."""
    cid = add_code(db, name, parent=parent, color=color, definition=definition, coder=coder)
    if key is not None:
        pin_quick_key(db, coder, key, cid)


def add_form() -> None:
    """Add a code (owners) or propose one (coders: it waits for an owner, usable at once)."""
    label = "Add a code" if owner else "Propose a code"
    with st.expander(label, expanded=codes.empty), st.form("add_code", clear_on_submit=True):
        c1, c2 = st.columns([4, 1])
        name = c1.text_input("Name")
        free = free_quick_keys(db, coder)
        key = c2.selectbox(
            "Quick key",
            [None, *free],
            format_func=lambda k: "none" if k is None else str(k),
            help="Pin the new code to a free key 1-9 (yours; it never moves by itself).",
        )
        parent = st.selectbox("Parent", ["(top level)"] + paths)
        color = st.color_picker("Colour", next_color(db))
        definition = st.text_area("Definition")
        if st.form_submit_button("Add code" if owner else "Propose code"):
            shown = " ".join(name.split())
            act(
                add_and_pin,
                name,
                None if parent == "(top level)" else parent,
                color,
                definition,
                key,
                ok=f"Added '{shown}'."
                if owner
                else f"Proposed '{shown}': you can code with it now; an owner accepts it.",
            )


if not owner:
    st.caption(
        f"You work here as {'a coder' if proposer else 'a viewer'}: changing the codebook's"
        " structure is for its owners."
        + (" Codes you propose wait for an owner to accept them." if proposer else "")
    )
if proposer:
    add_form()


@live_fragment("codebook_list")
def code_list() -> None:
    """The codebook and its open proposals: redrawn when another member changes codes."""
    db = get_db()
    codes = codes_frame(db)
    proposals = proposed_codes(db)
    show_flash("codebook")
    if not proposals.empty:
        proposals_section(db, proposals)
    if codes.empty:
        st.info(
            "No codes yet: add one above or import a codebook CSV below."
            if owner
            else "No codes yet."
        )
        return
    waiting = set(proposals["id"].tolist())
    names = [
        ("\u2003" * d) + n + (" (proposed)" if int(i) in waiting else "")
        for d, n, i in zip(codes["depth"], codes["name"], codes["id"])
    ]
    shown = codes.assign(code=names)
    shown = shown[["code", "color", "codings", "documents", "cases", "definition", "created_by"]]
    st.dataframe(
        shown.style.apply(
            lambda col: [f"background-color: {c}; color: {c}" for c in col], subset=["color"]
        ),
        hide_index=True,
        width="stretch",
    )


def proposals_section(db, proposals) -> None:
    """Owners: each proposal with Accept / Rename and accept / Reject. Coders: theirs, waiting."""
    st.subheader(f"Proposed codes ({len(proposals)})")
    if not owner:
        mine = proposals[proposals["created_by"] == coder]
        st.caption(
            f"{len(mine)} of them yours; an owner accepts, renames or rejects each."
            if len(mine)
            else "An owner accepts, renames or rejects each."
        )
        st.dataframe(
            proposals[["path", "created_by", "created_at", "definition"]].assign(
                created_at=proposals["created_at"].map(readable_date)
            ),
            hide_index=True,
            width="stretch",
        )
        return
    for r in proposals.itertuples():
        pid = int(r.id)
        with st.container(border=True, key=f"proposal_{pid}"):
            st.markdown(
                f"**{md_safe(r.path)}** · proposed by {md_safe(r.created_by)}"
                f" · {md_safe(readable_date(r.created_at))}"
            )
            if r.definition:
                st.caption(md_safe(r.definition))
            c1, c2, c3, c4 = st.columns([3, 1, 1.4, 1])
            new = c1.text_input(
                "New name", r.name, key=f"proposal_name_{pid}", label_visibility="collapsed"
            )
            if c2.button("Accept", key=f"proposal_accept_{pid}", type="primary"):
                decide(accept_code, db, pid, ok=f"Accepted '{r.path}'.")
            renamed = " ".join((new or "").split())
            if c3.button(
                "Rename and accept",
                key=f"proposal_rename_{pid}",
                disabled=not renamed or renamed == r.name,
            ):
                decide(accept_code, db, pid, name=renamed, ok=f"Accepted as '{renamed}'.")
            if c4.button("Reject", key=f"proposal_reject_{pid}"):
                decide(
                    delete_code, db, pid, ok=f"Rejected '{r.path}': in the trash (restore below)."
                )


def decide(fn, db, code_id: int, ok: str, **kwargs) -> None:
    """An owner's decision on a proposal; the page reruns (the pickers list the codes too)."""
    try:
        fn(db, code_id, coder, session=session_id(), **kwargs)
    except QdaError as exc:
        flash("error", str(exc), place="codebook")
    else:
        flash("success", ok, place="codebook")
    st.rerun()


def history_section() -> None:
    """Every change to the codebook, snapshots compared, the history as files: everyone reads it
    (it is what a methods section cites); owners also save snapshots."""
    st.subheader("History and versions")
    st.caption(
        'Every change to the codebook, with who and when; save a named snapshot ("round 1",'
        ' "after consensus") to compare later and to cite in your methods section.'
    )
    if owner:  # snapshots are the codebook's owners' to name
        with st.form("snapshot", clear_on_submit=True):
            s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
            snap_name = s1.text_input("Snapshot name", placeholder="round 1")
            if s2.form_submit_button("Save snapshot"):
                ok = f"Saved snapshot '{snap_name.strip()}'."
                act(snapshot_codebook, db, snap_name, coder, ok=ok)
    events = codebook_history_frame(db)
    shown = events.iloc[::-1][["at", "coder", "kind", "detail", "codings_touched", "derived"]]
    st.container(key="history_table").dataframe(
        shown.assign(at=shown["at"].map(readable_date)),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * max(len(events), 1), 320),
        column_config={
            "at": st.column_config.TextColumn("when"),
            "codings_touched": st.column_config.NumberColumn("codings", format="%d"),
            "derived": st.column_config.CheckboxColumn("from audit log"),
        },
    )
    snaps = snapshots_frame(db)
    if snaps.empty:
        st.info(
            "No snapshots yet: save one above, before and after a round of coding."
            if owner
            else "No snapshots yet: an owner saves them, before and after a round of coding."
        )
    else:
        names = snaps["name"].tolist()
        c1, c2 = st.columns(2)
        first = c1.selectbox(
            "Compare", names, index=max(len(names) - 2, 0), key=f"compare_a_{len(names)}"
        )  # a new snapshot: the two latest
        later = c2.selectbox(
            "with",
            [*names, None],
            index=len(names) if len(names) < 2 else len(names) - 1,
            format_func=lambda n: "the codebook now" if n is None else n,
            key=f"compare_b_{len(names)}",
        )
        changes = compare_snapshots(db, first, later)
        if changes.empty:
            st.caption("No changes between them.")
        else:
            with st.container(key="compare_table"):
                st.dataframe(
                    changes.drop(columns=["code_id"], errors="ignore").fillna(""),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        "path_a": st.column_config.TextColumn(f"in '{first}'"),
                        "path_b": st.column_config.TextColumn(
                            "now" if later is None else f"in '{later}'"
                        ),
                        "codings_touched": st.column_config.NumberColumn("codings", format="%d"),
                    },
                )
        periods = codebook_periods(db)
        d1, d2, d3 = st.columns(3)
        md, doc = io.BytesIO(), io.BytesIO()
        history_markdown(periods, events, md)
        history_docx(periods, events, doc)
        d1.download_button(
            "History (Markdown)", md.getvalue(), "codebook-history.md", "text/markdown"
        )
        d2.download_button(
            "History (DOCX)",
            doc.getvalue(),
            "codebook-history.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        with private_tempdir("qdc") as tmp:
            qdc = export_qdc(db, Path(tmp) / "snapshot.qdc", snapshot=first).read_bytes()
        d3.download_button(f"'{first}' as .qdc", qdc, f"codebook-{first}.qdc", "application/xml")


code_list()
if not owner:  # the rest changes the codebook's structure: owners only
    st.download_button(
        "Download codebook CSV", codebook_csv(db), file_name="codebook.csv", mime="text/csv"
    )
    history_section()
    st.stop()

if not codes.empty:
    st.subheader("Edit a code")
    chosen = st.selectbox("Code", paths, key="codebook_code")
    row = codes[codes["path"] == chosen].iloc[0]
    cid = int(row["id"])
    with st.form(f"edit_{cid}"):
        c1, c2 = st.columns([3, 1])
        new_name = c1.text_input("Name", row["name"])
        new_color = c2.color_picker("Colour", row["color"])
        new_def = st.text_area("Definition", row["definition"])
        c3, c4 = st.columns(2)
        new_inc = c3.text_area("Inclusion criteria", row["inclusion"])
        new_exc = c4.text_area("Exclusion criteria", row["exclusion"])
        new_ex = st.text_area("Example", row["example"])
        st.caption(f"Created by {row['created_by']}, {readable_date(row['created_at'])}")
        if st.form_submit_button("Save changes"):
            act(
                update_code,
                db,
                cid,
                coder,
                name=new_name,
                color=new_color,
                definition=new_def,
                inclusion=new_inc,
                exclusion=new_exc,
                example=new_ex,
            )

    m1, m2, m3 = st.columns(3)
    with m1:
        others = ["(top level)"] + [
            p for p in paths if p != chosen and not p.startswith(chosen + " > ")
        ]
        where = st.selectbox("Move under", others, key="move_target")
        if st.button("Move"):
            act(move_code, db, cid, None if where == "(top level)" else where, coder, ok="Moved.")
        parent_key = 0 if pd.isna(row["parent_id"]) else row["parent_id"]
        siblings = codes[codes["parent_id"].fillna(0) == parent_key]
        order = siblings["id"].tolist()
        i = order.index(cid)
        up, down = st.columns(2)
        if up.button("▲ Up", disabled=i == 0):
            order[i - 1], order[i] = order[i], order[i - 1]
            act(reorder_codes, db, order, coder, ok="Reordered.")
        if down.button("▼ Down", disabled=i == len(order) - 1):
            order[i + 1], order[i] = order[i], order[i + 1]
            act(reorder_codes, db, order, coder, ok="Reordered.")
    with m2:
        target = st.selectbox("Merge into", [p for p in paths if p != chosen], key="merge_target")
        st.caption(
            "Codings move to the target; identical ones collapse; this code goes to the trash."
        )
        if st.button("Merge", disabled=target is None):
            act(merge_codes, db, cid, target, coder, ok=f"Merged into '{target}'.")
    with m3:
        sure = st.checkbox(
            f"Yes, put '{row['name']}' and its {int(row['codings'])} codings in the trash"
        )
        if st.button("Delete", disabled=not sure, type="primary"):
            act(delete_code, db, cid, coder, ok="Moved to the trash (restore it below).")

trash = trash_frame(db)
with st.expander(f"Trash ({len(trash)})"):
    if trash.empty:
        st.caption("The trash is empty.")
    else:
        st.dataframe(trash, hide_index=True, width="stretch")
        pick = st.selectbox(
            "Restore",
            trash["id"].tolist(),
            format_func=lambda i: trash.set_index("id").loc[i, "path"],
        )
        if st.button("Restore"):
            act(restore_code, db, int(pick), coder, ok="Restored.")

st.subheader("Import and export (CSV: path, name, definition, color)")
st.download_button(
    "Download codebook CSV", codebook_csv(db), file_name="codebook.csv", mime="text/csv"
)
upload = st.file_uploader("Import a codebook CSV", type=["csv"])
if upload is not None and st.button("Import"):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(upload.name).name or "codebook.csv")
        path.write_bytes(upload.getvalue())
        act(import_codebook_csv, db, path, coder, ok=f"Imported {upload.name}.")

history_section()

with st.expander("Audit log (every row change)"):
    st.dataframe(audit_frame(db, limit=200), hide_index=True, width="stretch")
