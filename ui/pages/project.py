"""Project page: open, create and switch project files; who is coding; dashboard; settings;
backups."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from coding import CodingScope, audit_frame, codes_frame, codings_frame
from corpus import ingest_log, project_stats
from projectfile import (
    QdaError,
    backup_project,
    copy_project,
    list_backups,
    restore_backup,
    warn_unsafe_location,
)
from ui.auth import is_exposed, signed_in_user
from ui.common import (
    allowed,
    current_actor,
    current_coder,
    get_db,
    project_file,
    set_project_file,
)
from ui.session import projects_dir
from ui.session_demo import copy_name
from ui.state import (
    EDIT_SECTION_NEXT,
    READER_PER_WINDOW,
    READER_PER_WINDOW_INPUT,
    READER_WHOLE,
    READER_WHOLE_INPUT,
    flash,
)
from ui.tables import readable_date
from ui.tables import show as show_table
from ui.team_panel import team_section
from ui.widgets import md_safe
from workflows import (
    create_owned_project,
    meaning_setting,
    project_path,
    set_meaning_setting,
    start_background_index,
)

st.title("Project")
path = project_file()


def _openable(p: Path) -> bool:
    """True when ``p`` may be offered: a regular *.sqlite file whose real path stays in its
    folder (a symlink leading out, a FIFO named *.sqlite are not offered)."""
    try:
        project_path(p, p.parent)
    except QdaError:
        return False
    return True


# --- open / create / switch -----------------------------------------------------------------------
with st.expander("Open, create or switch project", expanded=not path.exists()):
    here = path.resolve().parent

    nearby = sorted(p for p in here.glob("*.qda.sqlite") if _openable(p)) if here.exists() else []
    if len(nearby) > 1:
        pick = st.selectbox(
            "Projects in this folder",
            nearby,
            index=nearby.index(path.resolve()) if path.resolve() in nearby else 0,
            format_func=lambda p: p.name,
            key="proj_nearby",
        )
        if st.button("Switch", key="proj_switch") and pick != path.resolve():
            set_project_file(pick)
            st.rerun()
    exposed = is_exposed()
    folder = projects_dir()
    other = st.text_input(
        "Project name" if exposed else "Project name or file in the projects folder",
        value=path.name if exposed or path.resolve().parent == folder else "",
        key="proj_path",
        help=f"A project in the projects folder ({folder}"
        + (
            "; the app is shared: other folders are not offered)."
            if exposed
            else "; other folders: start the app with $QDA_PROJECTS_DIR set to them)."
        ),
    )
    c1, c2 = st.columns(2)

    def _target(create: bool) -> Path | None:
        """The project file the box names, confined to the projects folder (None: refused)."""
        try:
            # shared on a network: only a name; on this computer also a path inside the folder
            value = copy_name(Path(other).name) if exposed else other
            return project_path(value, folder, create=create)
        except QdaError as exc:
            st.error(md_safe(str(exc)))
            return None

    if c1.button("Open", key="proj_open") and (target := _target(create=False)) is not None:
        set_project_file(target)
        st.rerun()
    if c2.button("Create", key="proj_create") and (target := _target(create=True)) is not None:
        creator = signed_in_user() if exposed else None
        if creator:  # on a shared server the member who creates a project owns it
            create_owned_project(target, creator)
        set_project_file(target)
        st.rerun()

db = get_db()  # a file that is not a project raises ProjectError: streamlit_app shows it

warning = warn_unsafe_location(path)
if warning:
    st.warning(warning)
st.caption(f"{md_safe(path)} · coder **{md_safe(current_coder())}** (change it in the sidebar)")

# --- dashboard ------------------------------------------------------------------------------------
stats = project_stats(db)
codes_n = len(codes_frame(db))
codings = codings_frame(db)
audit = audit_frame(db, limit=1)
last = audit["at"].iloc[0] if len(audit) else None
m = st.columns(5)
m[0].metric("Documents", f"{stats['documents']:,}")
m[1].metric("Pages", f"{stats['pages']:,}")
m[2].metric("Words", f"{stats['words']:,}")
m[3].metric("Codes", f"{codes_n:,}")
spans = int((codings["scope"] == CodingScope.SPAN).sum()) if len(codings) else 0
m[4].metric(
    "Codings",
    f"{len(codings):,}",
    help=f"{spans:,} on text spans (the quotes of the evidence table), "
    f"{len(codings) - spans:,} on whole documents or cases; current document versions only "
    "(codings left on earlier versions are history, shown in each document's versions)",
)
if stats["by_kind"]:
    st.caption(" · ".join(f"{k}: {v}" for k, v in sorted(stats["by_kind"].items())))
left, right = st.columns(2)
with left:
    st.subheader("Codings per coder")
    if codings.empty:
        st.caption("No codings yet.")
    else:
        per = (
            codings.groupby("coder")
            .agg(
                codings=("coding_id", "size"),
                documents=("document_id", "nunique"),
                last=("created_at", "max"),
            )
            .reset_index()
        )
        show_table(per)
with right:
    st.subheader("Last activity")
    st.write(readable_date(last) or "Nothing recorded yet.")
    log = ingest_log(db, limit=5)
    if len(log):
        st.caption("Latest imports")
        show_table(
            log[["at", "path", "status"]].assign(path=log["path"].map(lambda p: Path(str(p)).name))
        )

team_section(db, current_actor())  # members, roles, blind rounds (ui/team_panel.py)

# --- settings -------------------------------------------------------------------------------------
with st.expander("Settings"):
    st.number_input(
        "Paragraphs or turns per screen in the Code page",
        5,
        400,
        value=int(READER_PER_WINDOW.get(30)),
        step=5,
        key=READER_PER_WINDOW_INPUT,
        on_change=lambda: READER_PER_WINDOW.set(st.session_state[READER_PER_WINDOW_INPUT]),
    )
    st.checkbox(
        "Show whole documents on one screen in the Code page (no paging; slow for long documents)",
        value=bool(READER_WHOLE.get()),
        key=READER_WHOLE_INPUT,
        on_change=lambda: READER_WHOLE.set(st.session_state[READER_WHOLE_INPUT]),
    )
    auto = st.checkbox(
        "Index new and changed passages for meaning search by themselves, in the background",
        value=meaning_setting(db) != "off",
        key="proj_meaning_auto",
        help="Meaning and hybrid search, and 'More like this', cover the indexed passages. "
        "Turn it off for a very large archive you only search by exact words.",
    )
    if auto != (meaning_setting(db) != "off"):
        set_meaning_setting(db, "on" if auto else "off")
        st.rerun()
    if st.button(
        "Rebuild meaning index",
        key="proj_meaning_rebuild",
        help="Embed again every passage whose text changed; those unchanged are kept.",
    ):
        start_background_index(path)
        flash("info", "The meaning index is being rebuilt in the background (Search shows it).")
        st.rerun()
    st.caption("Theme (light or dark) is in the app menu ⋮ → Settings.")

if allowed("merge") and st.button(
    "Merge another project…", icon=":material/merge:", key="proj_merge"
):
    EDIT_SECTION_NEXT.set("merge")  # coders, codes, codings, memos of a copy
    st.switch_page("ui/pages/edit.py")

# --- backups --------------------------------------------------------------------------------------
st.subheader("Backups")
st.caption(
    "A consistent copy made with SQLite's backup API; migrations, imports and restores make one "
    "first. To take the project elsewhere, download a copy: it is whole even while people work."
)


def _copy_bytes(project: Path) -> bytes:
    """Return a consistent copy of the project file (SQLite's backup API) as bytes."""
    with tempfile.TemporaryDirectory(prefix="qda-copy-") as folder:
        dest = Path(folder) / project.name
        copy_project(project, dest)
        return dest.read_bytes()


owner = allowed("backup")  # backups and restores are an owner's (so is a whole copy)
b1, b2 = st.columns(2)
if b1.button("Back up now", key="proj_backup", width="stretch", disabled=not owner):
    try:
        made = backup_project(db, reason="manual")
        st.success(f"Backup written: {made.name}")
    except QdaError as exc:
        st.error(str(exc))
b2.download_button(
    "Download a copy",
    data=lambda: _copy_bytes(path),  # made when clicked, on a connection of its own
    file_name=path.name,
    mime="application/vnd.sqlite3",
    key="proj_download",
    icon=":material/download:",
    width="stretch",
    disabled=not owner,
    help="The project file as it is now, made with SQLite's backup API (the recommended way to "
    "copy it). Page images of uploaded PDFs stay in the folder beside the project "
    f"({path.name}.sources).",
)
backups = [b for b in list_backups(path) if _openable(b)]
if not owner:
    st.caption("Backups and restores are for the project's owners.")
elif not backups:
    st.caption("No backups yet.")
else:
    table = pd.DataFrame(
        [
            {
                "backup": b.name,
                "size (KB)": round(b.stat().st_size / 1024, 1),
                "written": datetime.fromtimestamp(b.stat().st_mtime, UTC).strftime(
                    "%Y-%m-%d %H:%M:%S UTC"
                ),
            }
            for b in backups
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    choice = st.selectbox("Restore", backups, format_func=lambda b: b.name, key="proj_restore_pick")
    sure = st.checkbox(
        "Replace the project with this backup (the current state is backed up first)",
        key="proj_sure",
    )
    if st.button("Restore", disabled=not sure, key="proj_restore"):
        try:
            restore_backup(path, choice, db=db)  # checks the role, then closes db
            flash("success", f"Restored {choice.name}.")
            st.rerun()
        except QdaError as exc:
            st.error(str(exc))
