"""Real browser on the secretariat's pages (consultations, new consultation, import) and the
organisation admin (tree, members and roles, invitations)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor
from ykien.db.base import utcnow
from ykien.opinions.models import Opinion

pytestmark = pytest.mark.browser

DRAFT_TEXT = """\
QUY CHẾ THỬ NGHIỆM
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc lấy ý kiến góp ý của đoàn viên công đoàn cơ sở.
Điều 2. Đối tượng áp dụng
1. Đoàn viên công đoàn cơ sở thuộc Khối.
2. Cán bộ công đoàn chuyên trách.
Chương II
TỔ CHỨC THỰC HIỆN
Điều 3. Trách nhiệm thi hành
Ban Thường vụ Công đoàn Khối chịu trách nhiệm hướng dẫn thực hiện Quy chế này.
"""


def _vn(moment_offset_days: float) -> str:
    """A moment as dd/mm/yyyy HH:MM, Vietnam time."""
    from zoneinfo import ZoneInfo

    moment = (utcnow() + timedelta(days=moment_offset_days)).astimezone(
        ZoneInfo("Asia/Ho_Chi_Minh")
    )
    return moment.strftime("%d/%m/%Y %H:%M")


@needs_route("/secretariat")
def test_secretariat_home_lists_the_consultations_and_is_accessible(
    visitor: Visitor, server: LiveServer
) -> None:
    visitor.sign_in("thuky.khoi")
    visitor.goto("/secretariat", shot="secretariat")
    page = visitor.page
    cards = page.locator("ul.secretariat-list > li.card")
    assert cards.count() >= 3
    assert page.get_by_role("link", name="Tạo đợt lấy ý kiến mới").is_visible()
    visitor.assert_accessible("the secretariat home")


@needs_route("/secretariat/consultations/new")
def test_secretary_creates_a_consultation_from_a_draft_file(
    visitor: Visitor, server: LiveServer, tmp_path: Path
) -> None:
    visitor.sign_in("thuky.khoi")
    visitor.goto("/secretariat/consultations/new", shot="new-consultation")
    page = visitor.page
    visitor.assert_accessible("the new consultation form")

    title = f"Lấy ý kiến đoàn viên về Quy chế thử nghiệm {time.monotonic_ns()}"
    draft = tmp_path / "quy-che-thu-nghiem.txt"
    draft.write_text(DRAFT_TEXT, encoding="utf-8")
    page.fill("#title", title)
    page.set_input_files("#draft_file", str(draft))
    page.select_option("#draft_kind", index=0)
    organiser = page.locator("#organiser_id option", has_text="Đảng bộ Khối các cơ quan")
    page.select_option("#organiser_id", value=organiser.first.get_attribute("value"))
    # first a window that closes before it opens: a clear error, and the typed title is kept
    page.fill("#opens_at", _vn(2))
    page.fill("#closes_at", _vn(1))
    assert page.is_checked("#identity_required")  # the default
    page.check("#allow_anonymous")
    assert not page.is_checked("#identity_required")  # the two exclude each other
    page.check("#publish")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.screenshot("new-consultation-error")
    assert page.locator("#form-error").is_visible()
    assert page.input_value("#title") == title
    assert page.is_checked("#allow_anonymous")
    visitor.assert_accessible("the new consultation form with an error")

    page.set_input_files("#draft_file", str(draft))
    page.fill("#opens_at", _vn(-1))
    page.fill("#closes_at", _vn(10))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.screenshot("after-create")
    assert page.url.endswith("/secretariat"), page.url
    assert title in page.locator("main .flash").inner_text()
    card = page.locator("li.card", has_text=title)
    assert card.count() == 1
    with page.expect_navigation():
        card.get_by_role("link", name="Đọc dự thảo").click()
    visitor.screenshot("new-consultation-reader")
    assert page.inner_text("h1") == title
    labels = page.locator("article.section").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-label'))"
    )
    assert "Điều 1" in labels and "Điều 3" in labels, labels


@needs_route("/c/{id}/import")
def test_secretary_imports_a_spreadsheet_and_sees_the_rejected_rows(
    visitor: Visitor, server: LiveServer, tmp_path: Path
) -> None:
    consultation = server.facts.regulation_id
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/c/{consultation}/import", shot="import-upload")
    page = visitor.page
    visitor.assert_accessible("the import page")

    stamp = time.monotonic_ns()
    csv_file = tmp_path / "y-kien-hoi-nghi.csv"
    csv_file.write_text(
        "STT,Đơn vị,Người góp ý,Điều khoản,Nội dung\n"
        f"1,Đảng bộ Sở Tư pháp,Trần Văn Bình,Điều 2,Đề nghị làm rõ khái niệm văn kiện ({stamp})\n"
        f"2,Đảng bộ Sở Nội vụ,Lê Thị Hoa,Điều 5,Nên rút ngắn thời hạn tổng hợp ({stamp})\n"
        f"3,Đảng bộ Sở Nội vụ,Phạm Văn Cường,Điều 999,Điều này không có trong dự thảo ({stamp})\n"
        "4,Đảng bộ Sở Nội vụ,Phạm Văn Cường,Điều 3,\n",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(csv_file))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.screenshot("import-mapping")
    assert page.locator("table.preview").is_visible()
    assert page.input_value("#map_text") == "Nội dung"  # recognised from the header name
    visitor.assert_accessible("the import column mapping step")

    with page.expect_navigation():
        page.get_by_role("button", name="Nhập các ý kiến").click()
    visitor.screenshot("import-result")
    figures = page.locator("dl.result dd").all_inner_texts()
    assert figures[1:] == ["4", "2", "2"], figures  # read, imported, rejected
    rows = page.locator("table.row-errors tbody tr")
    table = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    # rows are numbered as in a spreadsheet: the header is row 1
    assert [(row, column) for row, column, _reason in table] == [
        ("4", "Điều khoản"),
        ("5", "Nội dung"),
    ], table
    assert "Điều 999" in table[0][2]
    with server.session() as session:
        imported = session.execute(
            select(Opinion.channel, Opinion.author_name).where(
                Opinion.consultation_id == consultation, Opinion.text.contains(str(stamp))
            )
        ).all()
    assert sorted(name for _channel, name in imported) == ["Lê Thị Hoa", "Trần Văn Bình"]
    visitor.assert_accessible("the import result with rejected rows")


@needs_route("/admin/organisations")
@needs_route("/invite/{token}")
def test_admin_invites_a_person_who_creates_an_account(
    visitor_factory: Callable[..., Visitor], server: LiveServer
) -> None:
    admin = visitor_factory(name="admin")
    admin.sign_in("quantri")
    admin.goto("/admin/organisations", shot="organisations")
    page = admin.page
    assert page.locator("ul.org-tree li").count() >= 10
    admin.assert_accessible("the organisation tree")

    with page.expect_navigation():
        page.locator("ul.org-tree a", has_text="Đảng bộ Sở Tài chính").first.click()
    admin.screenshot("organisation")
    assert page.inner_text("h1") == "Đảng bộ Sở Tài chính"
    assert page.locator("table.members", has_text="Bùi Thị Ngọc Lan").count() == 1
    admin.assert_accessible("an organisation's members and roles")

    stamp = str(time.monotonic_ns())[-6:]
    page.fill("#full_name", f"Lê Thị Thu Hà {stamp}")
    page.select_option("#invite-role", "participant")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo lời mời").click()
    admin.screenshot("invitation-created")
    link = page.input_value("#invite-url")
    assert "/invite/" in link, link
    admin.assert_accessible("an organisation page with a new invitation link")

    guest = visitor_factory(name="guest")
    guest.goto(link.removeprefix(server.url) if link.startswith("http") else link, shot="invite")
    invite = guest.page
    assert f"Lê Thị Thu Hà {stamp}" in invite.inner_text("main")
    guest.assert_accessible("the invitation page")
    invite.fill("#username", f"thuha.{stamp}")
    invite.fill("#password", "mat-khau-moi-2025")
    invite.fill("#confirm", "mat-khau-moi-2025")
    with invite.expect_navigation():
        invite.locator("main form button[type=submit]").click()
    guest.screenshot("invitation-accepted")
    assert invite.url.rstrip("/") == server.url
    assert invite.get_by_role("link", name=f"Lê Thị Thu Hà {stamp}").is_visible()


@needs_route("/invite/{token}")
def test_an_unknown_invitation_says_so_accessibly(visitor: Visitor) -> None:
    visitor.goto("/invite/khong-hop-le", shot="invite-unknown", expect_status=None)
    assert visitor.page.locator("main [role=alert]").is_visible()
    visitor.assert_accessible("an unknown invitation")


@needs_route("/secretariat/consultations/{consultation_id}/subcommittees/new")
def test_secretariat_creates_a_subcommittee_by_ticking_the_table_of_contents(
    visitor: Visitor, server: LiveServer
) -> None:
    cid = server.facts.report_id
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/secretariat/consultations/{cid}/subcommittees", shot="subcommittees-manage")
    visitor.assert_accessible("the subcommittees a secretariat manages")
    page = visitor.page
    with page.expect_navigation():
        page.get_by_role("link", name="Thêm tiểu ban").click()
    visitor.assert_accessible("the new subcommittee form")
    page.get_by_label("Tên tiểu ban").fill("Tiểu ban Biên tập")
    page.get_by_label("Tổ chức", exact=True).select_option(index=1)
    page.locator("input[name=section_ids]").first.check()
    page.locator("input[name=member_ids]").first.check()
    visitor.screenshot("subcommittee-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo tiểu ban").click()
    assert "Đã tạo tiểu ban “Tiểu ban Biên tập”" in page.inner_text("main")
    row = page.locator("table.list tr", has_text="Tiểu ban Biên tập")
    assert row.count() == 1 and "đang hoạt động" in row.inner_text()


@needs_route("/admin/organisations/{organisation_id}/edit")
def test_admin_edits_an_organisation_and_sees_the_move_confirmation(
    visitor: Visitor, server: LiveServer
) -> None:
    visitor.sign_in("quantri")
    visitor.goto("/admin/organisations")
    page = visitor.page
    with page.expect_navigation():
        page.locator("ul.org-tree a", has_text="Đảng bộ Sở Tài chính").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Sửa thông tin hoặc chuyển cấp trên").click()
    visitor.assert_accessible("the organisation edit and move forms")
    page.get_by_label("Cấp", exact=True).select_option("Cơ sở")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    assert "Đã lưu tổ chức" in page.inner_text("main")
    assert page.locator(".badge.tier", has_text="Cơ sở").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Sửa thông tin hoặc chuyển cấp trên").click()
    page.get_by_label("Tổ chức cấp trên mới").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục").click()
    assert "Xác nhận chuyển" in page.inner_text("main")
    visitor.assert_accessible("the move confirmation")


@needs_route("/secretariat/drafts/{draft_id}")
def test_a_new_draft_version_is_uploaded_and_its_changes_wrap(
    visitor: Visitor, server: LiveServer, tmp_path: Path
) -> None:
    """Issue 12: a new version could be imported only from the CLI, and its diff was raw
    [-…-] {+…+} markup 2,234 px wide. Now: upload on the draft page, <del>/<ins> that wrap."""
    from ykien.db.engine import unit_of_work
    from ykien.drafts import service as drafts
    from ykien.orgs.models import Organisation

    scope = "Quy chế này quy định việc lấy ý kiến góp ý của đoàn viên công đoàn cơ sở."
    rule = "Việc lấy ý kiến được tổ chức công khai, dân chủ, đúng thời hạn."
    first_text = DRAFT_TEXT.replace(scope, " ".join([scope, *[rule] * 12]))
    with unit_of_work(server.app.state.session_factory) as session:
        bloc = session.scalars(
            select(Organisation).where(Organisation.name == "Đảng bộ Khối các cơ quan")
        ).first()
        draft = drafts.create_draft(
            session=session,
            title=f"Quy chế thử nghiệm {time.monotonic_ns()}",
            kind="other",
            organisation_id=bloc.id if bloc else None,
        )
        drafts.import_version(
            session=session, draft_id=draft.id, data=first_text.encode(), filename="v1.txt"
        )
        draft_id = draft.id
    unbroken = "https://congthongtin.example.vn/gop-y/" + "x" * 300  # no place to break
    next_text = first_text.replace(
        "đoàn viên công đoàn cơ sở.", f"đoàn viên và người lao động tại {unbroken} ."
    )
    upload = tmp_path / "quy-che-v2.txt"
    upload.write_text(next_text, encoding="utf-8")

    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/secretariat/drafts/{draft_id}", shot="draft-versions")
    visitor.assert_accessible("the draft page with its upload form")
    page = visitor.page
    page.set_input_files("#draft_file", str(upload))
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Nhập phiên bản mới").click()
    assert "/changes" in page.url
    page.locator(".diff del").first.wait_for()
    assert page.locator(".diff ins").count() >= 1
    assert "[-" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator(".diff").first.bounding_box()
    assert box is not None and box["width"] <= page.viewport_size["width"]
    visitor.screenshot("draft-version-changes")
    visitor.assert_accessible("a version's changes")
