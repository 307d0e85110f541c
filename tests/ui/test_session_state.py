"""Nothing goes into the wrong project, in headless Chromium with mouse, keyboard and reloads:
the project, coder and place survive a reload and a new tab; a link cannot open files outside the
projects folder; the signed-in name is the coder; the demo project asks before the first write."""

from __future__ import annotations

import pytest
from browser_helpers import (
    chromium_page,
    open_list,
    open_page,
    require_chromium,
    select_text,
    streamlit_server,
    wait_idle,
)
from playwright.sync_api import expect
from ui_data import ROOT, make_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
NEEDLE = "tungsten quota"

require_chromium()


def make_project(path, title: str, demo: bool = False) -> None:
    import coding
    from corpus import set_project_meta
    from projectfile import open_project

    db = open_project(path)
    paras = [f"Section {i} of the fictional {title} on regional training." for i in range(1, 26)]
    paras[17] = f"Section 18 sets a {NEEDLE} for the fictional consortium. It was disputed."
    paras[21] = f"Section 22 repeats the {NEEDLE} for the next year."
    make_document(db, title, paras)
    coding.add_code(db, "Quotas", color="#e15759")
    if demo:
        set_project_meta(db, "demo", "1")
    db.conn.close()


def rows(path, what: str = "codings"):
    import coding
    from projectfile import open_project

    db = open_project(path)
    try:
        if what == "memos":
            return coding.memos_frame(db)
        if what == "audit":
            return coding.audit_frame(db)
        return coding.codings_frame(db)
    finally:
        db.conn.close()


@pytest.fixture
def folder(tmp_path):
    projects = tmp_path / "projects"
    projects.mkdir()
    make_project(projects / "alpha.qda.sqlite", "Alpha report")
    make_project(projects / "beta.qda.sqlite", "Beta report")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return projects


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def project_box(page):
    return page.locator(".st-key-qda_project_box")


def search_and_pick(page, url: str | None) -> None:
    """Search for the needle and pick the code in the Search page's code bar (``url`` None: go
    there by the sidebar, keeping the session)."""
    if url is None:
        sidebar(page).get_by_role("link", name="Search", exact=True).click()
        expect(page.get_by_label("Search the documents")).to_be_visible(timeout=60_000)
        wait_idle(page)
    else:
        open_page(page, url, "search")
    box = page.get_by_label("Search the documents")
    box.click()
    page.keyboard.type(NEEDLE)
    page.keyboard.press("Enter")
    expect(page.get_by_text("matching passages")).to_be_visible(timeout=30_000)
    bar = page.locator(".st-key-search_code_bar")
    bar.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="Quotas", exact=True).click()
    wait_idle(page)


def code_hit(page, has_text: str) -> None:
    hit = page.locator("[class*='st-key-hit_']").filter(has_text=has_text)
    hit.get_by_role("button", name="Code this hit").click()
    wait_idle(page)


def test_reload_and_new_tab_keep_project_coder_page_and_place(folder):
    alpha, beta = folder / "alpha.qda.sqlite", folder / "beta.qda.sqlite"
    env = {"QDA_CODER": ""}
    with (
        streamlit_server(alpha, ARTIFACTS / "server-session-state.log", env=env) as url,
        chromium_page() as page,
    ):
        open_page(page, url, "project")
        expect(project_box(page)).to_contain_text("alpha")
        expect(project_box(page)).to_contain_text(str(folder))
        # switch to beta with the mouse, type a coder name
        page.get_by_text("Open, create or switch project").click()
        open_list(  # (a click while the expander opens can miss the list: open_list retries)
            page,
            page.locator(".st-key-proj_nearby [data-testid='stSelectbox']"),
            page.get_by_role("option", name="beta.qda.sqlite"),
        )
        page.get_by_role("button", name="Switch").click()
        expect(project_box(page)).to_contain_text("beta")
        coder = sidebar(page).get_by_label("Coder", exact=True)
        coder.click()
        coder.press("Control+a")
        page.keyboard.type("ana")
        page.keyboard.press("Enter")
        wait_idle(page)
        # the Code page, a selection with the mouse
        sidebar(page).get_by_role("link", name="Code", exact=True).click()
        page.locator("[data-testid='qda-reader']").filter(has_text=NEEDLE).wait_for(timeout=60_000)
        wait_idle(page)
        select_text(page, "Section 22 repeats")
        expect(page.get_by_text("Selection · characters")).to_be_visible()
        wait_idle(page)
        assert "project=beta.qda.sqlite" in page.url and "coder=ana" in page.url
        # reload: same project, coder, page and place (scrolled to it, selected)
        page.reload()
        focus = page.locator("[data-testid='qda-reader'] mark.qda-focus")
        expect(focus.first).to_be_visible(timeout=60_000)
        expect(focus.first).to_contain_text("Section 22 repeats")
        expect(focus.first).to_be_in_viewport(timeout=20_000)
        expect(project_box(page)).to_contain_text("beta")
        expect(sidebar(page).get_by_label("Coder", exact=True)).to_have_value("ana")
        assert "/code" in page.url
        page.screenshot(path=str(ARTIFACTS / "session-reload.png"))
        page.locator("[data-testid='qda-bar-input']").fill("Quotas")
        page.locator("[data-testid='qda-bar-input']").press("Enter")
        expect(page.locator("[data-testid='qda-toast']")).to_contain_text("with Quotas")
        got = rows(beta)
        assert list(got["coder"]) == ["ana"] and list(got["text"]) == ["Section 22 repeats"]
        assert rows(alpha).empty
        # a new tab on the bare address opens where this person was
        tab = page.context.new_page()
        open_page(tab, url, "project")
        expect(project_box(tab)).to_contain_text("beta")
        expect(sidebar(tab).get_by_label("Coder", exact=True)).to_have_value("ana")


def test_a_link_opens_only_projects_in_the_projects_folder(folder, tmp_path):
    from projectfile import open_project

    outside = tmp_path / "elsewhere" / "secret.qda.sqlite"
    outside.parent.mkdir()
    open_project(outside).conn.close()
    alpha = folder / "alpha.qda.sqlite"
    with (
        streamlit_server(alpha, ARTIFACTS / "server-session-links.log") as url,
        chromium_page() as page,
    ):
        page.goto(f"{url}/?project=beta.qda.sqlite&coder=bo")
        expect(project_box(page)).to_contain_text("beta", timeout=60_000)
        expect(sidebar(page).get_by_label("Coder", exact=True)).to_have_value("bo", timeout=30_000)
        for bad in (str(outside), "../elsewhere/secret.qda.sqlite", "new.qda.sqlite", "/etc/hosts"):
            page.goto(f"{url}/?project={bad}")
            expect(page.get_by_text("is not a project file in the projects folder")).to_be_visible(
                timeout=60_000
            )
            expect(project_box(page)).to_contain_text("alpha")
            wait_idle(page)
            assert "project=alpha.qda.sqlite" in page.url
        assert not (folder / "new.qda.sqlite").exists()
        page.screenshot(path=str(ARTIFACTS / "session-link-refused.png"))


def test_signed_in_name_is_the_coder_on_codings_memos_and_audit(folder, tmp_path):
    from ui.auth import hash_password

    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        # a project without members on an exposed server is its admins' (issue 22)
        '[auth]\nadmins = ["alice"]\n\n'
        "[auth.users]\n"
        f'alice = "{hash_password("wonderland", iterations=1000)}"\n'
        f'bob = "{hash_password("builder", iterations=1000)}"\n'
    )
    alpha = folder / "alpha.qda.sqlite"
    env = {"HOME": str(home), "QDA_EXPOSED": "1"}
    with (
        streamlit_server(alpha, ARTIFACTS / "server-session-auth.log", env=env) as url,
        chromium_page() as page,
    ):
        page.goto(f"{url}/?coder=mallory")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
        page.get_by_label("Name", exact=True).fill("alice")
        page.get_by_label("Password", exact=True).fill("builder")  # bob's password
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Wrong name or password.")).to_be_visible()
        page.get_by_label("Password", exact=True).fill("wonderland")
        page.get_by_role("button", name="Sign in").click()
        coder = sidebar(page).get_by_label("Coder", exact=True)
        expect(coder).to_have_value("alice", timeout=60_000)
        expect(coder).to_be_disabled()
        search_and_pick(page, None)  # a password sign-in lasts for the browser session
        code_hit(page, "Section 18")
        expect(page.locator(".st-key-search_code_bar")).to_contain_text("Coded “")
        sidebar(page).get_by_role("link", name="Code", exact=True).click()
        page.get_by_text("Memos on this document").click()
        page.get_by_label("New memo").fill("A memo written while signed in.")
        page.get_by_role("button", name="Add memo").click()
        wait_idle(page)
        assert "coder=alice" in page.url
        page.screenshot(path=str(ARTIFACTS / "session-signed-in.png"))
    assert list(rows(alpha)["coder"]) == ["alice"]
    assert list(rows(alpha, "memos")["author"]) == ["alice"]
    audit = rows(alpha, "audit")
    made_here = audit[audit["entity"].isin(["codings", "memos"])]
    assert len(made_here) == 2 and set(made_here["coder"]) == {"alice"}
    assert "mallory" not in set(audit["coder"])


def test_demo_project_asks_once_and_copies(folder):
    demo = folder / "demo.qda.sqlite"
    make_project(demo, "Demo report", demo=True)
    with (
        streamlit_server(demo, ARTIFACTS / "server-session-demo.log") as url,
        chromium_page() as page,
    ):
        search_and_pick(page, url)
        expect(project_box(page)).to_contain_text("Demo project: a fictional sample")
        code_hit(page, "Section 18")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("This is the demo project: make a copy to work in?")
        assert rows(demo).empty  # nothing was written
        page.screenshot(path=str(ARTIFACTS / "session-demo-ask.png"))
        dialog.get_by_label("Name of the new project").fill("my study")
        dialog.get_by_role("button", name="Copy to a new project").click()
        expect(project_box(page)).to_contain_text("my study", timeout=30_000)
        expect(dialog).to_have_count(0)
        copy = folder / "my study.qda.sqlite"
        code_hit(page, "Section 18")
        expect(page.locator(".st-key-search_code_bar")).to_contain_text("Coded “")
        assert len(rows(copy)) == 1 and rows(demo).empty
        expect(project_box(page)).not_to_contain_text("Demo project")
        # another session on the demo: "Write into the demo" is asked once, also after a reload
        other = page.context.browser.new_context().new_page()
        other.goto(f"{url}/search?project=demo.qda.sqlite")  # (a bare address: "my study")
        expect(project_box(other)).to_contain_text("demo", timeout=60_000)
        search_and_pick(other, None)
        code_hit(other, "Section 18")
        box = other.get_by_role("dialog")
        box.get_by_role("button", name="Write into the demo").click()
        expect(box).to_have_count(0)
        code_hit(other, "Section 18")
        expect(other.locator(".st-key-search_code_bar")).to_contain_text("Coded “")
        assert len(rows(demo)) == 1
        other.reload()
        expect(project_box(other)).to_contain_text("demo", timeout=60_000)
        search_and_pick(other, None)
        code_hit(other, "Section 22")
        expect(other.locator(".st-key-search_code_bar")).to_contain_text("Coded “")
        expect(other.get_by_role("dialog")).to_have_count(0)
        assert len(rows(demo)) == 2
