"""The participant's path over HTTP: read the draft, give an opinion, see it in "my opinions"."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.db.engine import unit_of_work
from ykien.drafts import service as drafts
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion

SCRIPT = "<script>alert(1)</script>"


@contextmanager
def db_of(client: TestClient) -> Iterator[Session]:
    """A committed unit of work on the app's own database."""
    with unit_of_work(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        yield session


def reader_url(world: World) -> str:
    return f"/c/{world.consultation.id}"


def post_opinion(client: TestClient, world: World, **fields: Any) -> Any:  # the httpx response
    data = {"csrf_token": csrf_of(client), "kind": "comment", **fields}
    return client.post(f"/c/{world.consultation.id}/opinions", data=data, follow_redirects=False)


def opinion_count(client: TestClient) -> int:
    with db_of(client) as session:
        return session.execute(select(func.count()).select_from(Opinion)).scalar_one()


def set_policy(client: TestClient, world: World, **values: Any) -> None:
    with db_of(client) as session:
        consultation = session.get(Consultation, world.consultation.id)
        assert consultation is not None
        for name, value in values.items():
            setattr(consultation, name, value)


def textarea_value(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1))


# --- the reader -----------------------------------------------------------------------------


def test_reader_shows_the_contents_the_sections_and_their_counts(
    client: TestClient, web_world: World
) -> None:
    dieu_1 = web_world.section("Điều 1")
    diem_a = web_world.section("Điểm a Khoản 2 Điều 3")
    with db_of(client) as session:
        for text in ("Một", "Hai", "Ba"):
            opinions.submit(
                session=session,
                consultation_id=web_world.consultation.id,
                text=text,
                section_id=dieu_1.id,
                author_person_id=web_world.member_a,
            )
        hidden = opinions.submit(
            session=session,
            consultation_id=web_world.consultation.id,
            text="Ẩn",
            section_id=dieu_1.id,
            author_person_id=web_world.member_a,
        )
        opinions.hide(session=session, opinion_id=hidden.opinion.id, reason="Không phù hợp")
    page = client.get(reader_url(web_world))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Lấy ý kiến Luật thử nghiệm</h1>" in text
    assert "Mục lục" in text and "Nhận ý kiến ẩn danh." in text
    # every section is in the contents and in the text, indented by depth
    for section in web_world.sections:
        assert f'href="#section-{section.id}"' in text
        assert f'id="section-{section.id}"' in text
    assert f'<li class="depth-3"><a href="#section-{diem_a.id}">' in text
    assert f'id="text-{dieu_1.id}" tabindex="0">{dieu_1.text}</div>' in text
    # three visible opinions; the hidden one is not counted for the public
    article = text.split(f'id="section-{dieu_1.id}"')[1].split("</article>")[0]
    assert "3 ý kiến" in article
    assert 'class="section-text"' in article and "give-opinion" in article
    assert 'class="quote-button link" hidden' in article
    toc_entry = text.split(f'href="#section-{dieu_1.id}"')[1].split("</li>")[0]
    assert re.search(r'class="toc-count">3<', toc_entry)
    # the one form, for the whole draft until a section is chosen
    assert text.count('class="opinion-form"') == 1
    assert 'id="quote-dialog"' in text


def test_reader_places_the_form_under_the_chosen_section_without_javascript(
    client: TestClient, web_world: World
) -> None:
    dieu_4 = web_world.section("Điều 4")
    page = client.get(f"{reader_url(web_world)}?section={dieu_4.id}").text
    article = page.split(f'id="section-{dieu_4.id}"')[1].split("</article>")[0]
    assert 'class="opinion-form"' in article
    assert f'name="section_id" value="{dieu_4.id}"' in article
    assert "Ý kiến của bạn về <strong" in article
    # the kinds a participant chooses from, with Vietnamese labels
    for label in ("Sửa đổi", "Bổ sung", "Đề nghị bỏ", "Đồng ý", "Không đồng ý", "Câu hỏi"):
        assert f">{label}</option>" in article
    assert 'name="anonymous"' not in article  # not signed in: anonymous by necessity


def test_unknown_or_unpublished_consultations_are_not_found(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    assert client.get("/c/999999").status_code == 404
    assert client.get("/api/v1/consultations/999999/sections").json()["error"]["code"] == (
        "consultation_not_found"
    )
    set_policy(client, web_world, status="draft")
    assert client.get(reader_url(web_world)).status_code == 404
    login("dangvien")
    assert client.get(reader_url(web_world)).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login("thuky")  # the secretary of the bloc that runs it may preview it
    assert client.get(reader_url(web_world)).status_code == 200


# --- giving an opinion ----------------------------------------------------------------------


def test_an_opinion_with_a_quote_appears_in_my_opinions_with_its_status_and_receipt(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    dieu_1 = web_world.section("Điều 1")
    quote = "ý kiến nhân dân"
    start = dieu_1.text.index(quote)
    response = post_opinion(
        client,
        web_world,
        section_id=str(dieu_1.id),
        kind="comment",
        text="Cần nói rõ hình thức lấy ý kiến.",
        quote=quote,
        quote_start=str(start),
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    match = re.fullmatch(
        r"/me/opinions\?created=(YK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", location
    )
    assert match, location
    receipt = match.group(1)
    with db_of(client) as session:
        opinion = session.execute(select(Opinion)).scalar_one()
        assert (opinion.quote, opinion.quote_start, opinion.quote_end) == (
            quote,
            start,
            start + len(quote),
        )
        assert opinion.author_person_id == web_world.member_a
        assert opinion.channel == "online" and opinion.status == "published"
    page = client.get(location).text
    assert (
        f'<p class="flash" role="status">Ý kiến của bạn đã được tiếp nhận. Mã tiếp nhận: {receipt}.'
        in page
    )
    item = page.split('class="card my-opinion just-created"')[1].split("</li>")[0]
    assert "Lấy ý kiến Luật thử nghiệm" in item and "Điều 1" in item
    assert "Cần nói rõ hình thức lấy ý kiến." in item
    assert f'<blockquote class="quote">{quote}</blockquote>' in item
    assert "Đã công khai" in item and receipt in item and "Góp ý" in item
    assert re.search(r'class="date">\d{2}/\d{2}/\d{4}<', item)
    # the reader counts it
    article = client.get(reader_url(web_world)).text.split(f'id="section-{dieu_1.id}"')[1]
    assert "1 ý kiến" in article.split("</article>")[0]


def test_a_forged_receipt_in_the_address_shows_no_flash(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    page = client.get("/me/opinions?created=YK-AAAA-BBBB-CCCC").text
    assert 'class="flash"' not in page
    assert "Bạn chưa góp ý kiến nào." in page


def test_amend_without_proposed_wording_is_refused_and_the_text_kept(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    dieu_4 = web_world.section("Điều 4")
    typed = "Nên kéo dài thời hạn.\nÍt nhất 45 ngày."
    response = post_opinion(client, web_world, section_id=str(dieu_4.id), kind="amend", text=typed)
    assert response.status_code == 400
    page = response.text
    assert "cần ghi rõ nội dung đề xuất" in page
    assert textarea_value(page, "text") == typed
    assert '<option value="amend" selected>' in page
    article = page.split(f'id="section-{dieu_4.id}"')[1].split("</article>")[0]
    assert 'id="opinion-error"' in article  # the error is next to the form, in its section
    assert opinion_count(client) == 0
    # with the wording it goes through
    response = post_opinion(
        client,
        web_world,
        section_id=str(dieu_4.id),
        kind="amend",
        text=typed,
        proposed_wording="Thời hạn lấy ý kiến ít nhất là 45 ngày.",
    )
    assert response.status_code == 303
    assert (
        "Thời hạn lấy ý kiến ít nhất là 45 ngày." in client.get(response.headers["location"]).text
    )


def test_a_quote_not_in_the_section_is_refused_and_the_text_kept(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    dieu_1 = web_world.section("Điều 1")
    response = post_opinion(
        client,
        web_world,
        section_id=str(dieu_1.id),
        text="Ý kiến của tôi",
        quote="một câu không có trong điều này",
        quote_start="3",
    )
    assert response.status_code == 400
    assert "Đoạn trích dẫn không có trong nội dung của mục đã chọn." in response.text
    assert textarea_value(response.text, "text") == "Ý kiến của tôi"
    assert 'name="quote" value="một câu không có trong điều này"' in response.text
    assert opinion_count(client) == 0


def test_bad_section_and_offset_values_get_a_clear_400(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    response = post_opinion(client, web_world, section_id="abc", text="Văn bản")
    assert response.status_code == 400 and "Mục được chọn không hợp lệ." in response.text
    other_version_section = 999_999
    response = post_opinion(client, web_world, section_id=str(other_version_section), text="X")
    assert response.status_code == 400 and "không thuộc dự thảo" in response.text
    response = post_opinion(client, web_world, text="")
    assert response.status_code == 400 and "không được để trống" in response.text


def test_outside_the_window_the_reader_and_the_form_say_so(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    with db_of(client) as session:
        consultations.close(session=session, consultation_id=web_world.consultation.id)
    page = client.get(reader_url(web_world)).text
    assert "Đợt lấy ý kiến đã kết thúc lúc" in page
    assert "give-opinion" not in page and 'class="opinion-form"' not in page
    response = post_opinion(client, web_world, text="Gửi muộn")
    assert response.status_code == 400
    assert "Đợt lấy ý kiến đã kết thúc lúc" in response.text
    assert textarea_value(response.text, "text") == "Gửi muộn"
    assert opinion_count(client) == 0


def test_anonymous_visitors_submit_where_allowed_and_get_their_receipt(
    client: TestClient, web_world: World
) -> None:
    dieu_1 = web_world.section("Điều 1")
    response = post_opinion(client, web_world, section_id=str(dieu_1.id), text="Ẩn danh góp ý")
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{web_world.consultation.id}/received"
    page = client.get(response.headers["location"]).text
    with db_of(client) as session:
        opinion = session.execute(select(Opinion)).scalar_one()
        assert opinion.author_person_id is None and opinion.author_name is None
    assert f'id="receipt-code">{opinion.receipt_code}<' in page
    # another visitor's session has no receipt to show
    client.cookies.clear()
    assert (
        client.get(f"/c/{web_world.consultation.id}/received", follow_redirects=False).status_code
        == 303
    )


def test_anonymous_visitors_are_asked_to_sign_in_where_not_allowed(
    client: TestClient, web_world: World
) -> None:
    set_policy(client, web_world, allow_anonymous=False)
    page = client.get(reader_url(web_world)).text
    assert "Đăng nhập để góp ý" in page and 'href="/login?next=/c/' in page
    assert 'class="opinion-form"' not in page
    response = post_opinion(client, web_world, text="Tôi muốn góp ý")
    assert response.status_code == 400
    assert "không nhận ý kiến ẩn danh" in response.text
    assert textarea_value(response.text, "text") == "Tôi muốn góp ý"
    assert opinion_count(client) == 0


def test_a_signed_in_person_may_choose_anonymity_where_allowed(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    assert 'name="anonymous"' in client.get(reader_url(web_world)).text
    response = post_opinion(client, web_world, text="Không ghi tên", anonymous="1")
    assert response.status_code == 303 and response.headers["location"].endswith("/received")
    assert "Không ghi tên" not in client.get("/me/opinions").text
    set_policy(client, web_world, allow_anonymous=False)
    assert 'name="anonymous"' not in client.get(reader_url(web_world)).text
    response = post_opinion(client, web_world, text="Lần hai", anonymous="1")
    assert response.status_code == 400 and "không nhận ý kiến ẩn danh" in response.text


def test_people_outside_the_scope_are_told_before_they_write(
    client: TestClient, web_world: World
) -> None:
    from ykien.accounts import service as accounts

    with db_of(client) as session:
        accounts.create_account(
            session=session,
            person_id=web_world.outsider_person,
            username="nguoingoai",
            password=PASSWORD,
        )
    token = csrf_of(client)
    client.post(
        "/login", data={"username": "nguoingoai", "password": PASSWORD, "csrf_token": token}
    )
    page = client.get(reader_url(web_world)).text
    assert "Bạn không thuộc các tổ chức được lấy ý kiến trong đợt này." in page
    response = post_opinion(client, web_world, text="Ý kiến người ngoài")
    assert response.status_code == 400 and "không thuộc phạm vi" in response.text


def test_script_in_an_opinion_is_shown_as_text(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    response = post_opinion(client, web_world, kind="add", text=SCRIPT)  # no wording: refused
    assert response.status_code == 400
    assert SCRIPT not in response.text
    assert html.escape(SCRIPT, quote=False) in response.text
    response = post_opinion(
        client, web_world, kind="add", text=SCRIPT, proposed_wording=f"Thêm {SCRIPT}"
    )
    assert response.status_code == 303
    page = client.get("/me/opinions").text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_csrf_is_required_to_submit(client: TestClient, web_world: World) -> None:
    response = client.post(
        f"/c/{web_world.consultation.id}/opinions", data={"text": "x"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert opinion_count(client) == 0


def test_my_opinions_needs_sign_in_and_is_paginated_newest_first(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    assert client.get("/me/opinions", follow_redirects=False).status_code == 303
    with db_of(client) as session:
        for number in range(51):
            opinions.submit(
                session=session,
                consultation_id=web_world.consultation.id,
                text=f"Ý kiến số {number}",
                author_person_id=web_world.member_a,
            )
    login("dangvien")
    first = client.get("/me/opinions").text
    assert first.count('class="card my-opinion') == 50
    assert "Ý kiến số 50" in first and "Ý kiến số 0<" not in first
    assert "Trang 1/2" in first
    second = client.get("/me/opinions?page=2").text
    assert second.count('class="card my-opinion') == 1 and "Ý kiến số 0<" in second
    api = client.get("/api/v1/me/opinions?page=2").json()
    assert (api["total"], api["page"], api["pages"], len(api["items"])) == (51, 2, 2, 1)
    assert api["items"][0]["text"] == "Ý kiến số 0"
    assert client.get("/me/opinions?page=0").status_code == 422


def test_hidden_opinions_show_their_reason_to_their_author(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    with db_of(client) as session:
        result = opinions.submit(
            session=session,
            consultation_id=web_world.consultation.id,
            text="Lạc đề",
            author_person_id=web_world.member_a,
        )
        opinions.hide(session=session, opinion_id=result.opinion.id, reason="Không liên quan")
    login("dangvien")
    page = client.get("/me/opinions").text
    assert "Đã ẩn" in page and "Lý do: Không liên quan" in page


# --- large drafts -----------------------------------------------------------------------------


def _count_queries(client: TestClient, url: str) -> tuple[int, int]:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    return len(statements), len(response.text)


@pytest.mark.slow
def test_a_large_draft_renders_with_a_fixed_number_of_queries(
    client: TestClient, web_world: World
) -> None:
    body = "\n".join(
        f"Điều {n}. Quy định số {n}\nNội dung của điều {n} về việc lấy ý kiến."
        for n in range(1, 1201)
    )
    with db_of(client) as session:
        draft = drafts.create_draft(session=session, title="Dự thảo lớn", kind="law")
        version = drafts.import_version(
            session=session,
            draft_id=draft.id,
            data=f"LUẬT LỚN\n{body}\n".encode(),
            filename="l.txt",
        )
        now = utcnow()
        from datetime import timedelta

        big = consultations.create(
            session=session,
            title="Dự thảo lớn",
            draft_version_id=version.id,
            organiser_id=web_world.bloc.id,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
        consultations.open_(session=session, consultation_id=big.id)
        sections = drafts.sections_of(session=session, version_id=version.id)
        assert len(sections) == 1200
        for section in sections[::100]:
            opinions.submit(
                session=session,
                consultation_id=big.id,
                text="Góp ý",
                section_id=section.id,
                author_person_id=web_world.member_a,
            )
        big_id = big.id
    small_queries, _ = _count_queries(client, reader_url(web_world))
    big_queries, size = _count_queries(client, f"/c/{big_id}")
    assert big_queries == small_queries  # no query per section
    assert big_queries <= 15
    assert size < 1200 * 1500  # markup per section stays small (the form is rendered once)


# --- JSON API ---------------------------------------------------------------------------------


def _bearer(client: TestClient, username: str) -> dict[str, str]:
    token = client.post(
        "/api/v1/tokens", json={"username": username, "password": PASSWORD, "name": "test"}
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_api_sections_tree_with_counts(client: TestClient, web_world: World) -> None:
    dieu_2 = web_world.section("Điều 2")
    khoan_1 = web_world.section("Khoản 1 Điều 2")
    with db_of(client) as session:
        opinions.submit(
            session=session,
            consultation_id=web_world.consultation.id,
            text="X",
            section_id=khoan_1.id,
            author_person_id=web_world.member_a,
        )
    response = client.get(f"/api/v1/consultations/{web_world.consultation.id}/sections")
    assert response.status_code == 200
    items = response.json()
    assert [item["id"] for item in items] == [s.id for s in web_world.sections]
    by_id = {item["id"]: item for item in items}
    assert by_id[khoan_1.id] == {
        "id": khoan_1.id,
        "parent_id": dieu_2.id,
        "kind": "khoan",
        "number": "1",
        "label": "Khoản 1 Điều 2",
        "path": "chuong:1/dieu:2/khoan:1",
        "heading": "",
        "text": "Cơ quan, tổ chức tổ chức lấy ý kiến.",
        "depth": 2,
        "opinion_count": 1,
    }
    assert by_id[dieu_2.id]["opinion_count"] == 0


def test_api_drafts_and_versions(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    version_id = web_world.consultation.draft_version_id
    with db_of(client) as session:
        version = drafts.get_version(session=session, version_id=version_id)
        draft_id = version.draft_id
    draft = client.get(f"/api/v1/drafts/{draft_id}").json()
    assert draft["title"] == "Luật thử nghiệm" and draft["kind"] == "law"
    assert [v["id"] for v in draft["versions"]] == [version_id]
    assert draft["versions"][0]["section_count"] == len(web_world.sections)
    sections = client.get(f"/api/v1/draft-versions/{version_id}/sections").json()
    assert [s["label"] for s in sections] == [s.label for s in web_world.sections]
    assert "opinion_count" not in sections[0]
    assert client.get("/api/v1/drafts/999999").status_code == 404
    assert client.get("/api/v1/draft-versions/999999/sections").status_code == 404
    # a draft no published consultation uses is for staff only
    set_policy(client, web_world, status="draft")
    assert client.get(f"/api/v1/drafts/{draft_id}").status_code == 404
    assert client.get(f"/api/v1/draft-versions/{version_id}/sections").status_code == 404
    login("thuky")
    assert client.get(f"/api/v1/drafts/{draft_id}").status_code == 200
    assert client.get(f"/api/v1/draft-versions/{version_id}/sections").status_code == 200


def test_api_submit_is_idempotent_with_the_key(client: TestClient, web_world: World) -> None:
    headers = {**_bearer(client, "dangvien"), "Idempotency-Key": "lan-gui-1"}
    dieu_1 = web_world.section("Điều 1")
    body = {
        "text": "Góp ý qua API",
        "kind": "amend",
        "section_id": dieu_1.id,
        "quote": "dự thảo văn bản",
        "quote_start": dieu_1.text.index("dự thảo văn bản"),
        "proposed_wording": "dự thảo văn bản quy phạm pháp luật",
    }
    url = f"/api/v1/consultations/{web_world.consultation.id}/opinions"
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    second = client.post(url, json=body, headers=headers)
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["receipt_code"] == second.json()["receipt_code"]
    assert first.json()["status"] == "published"
    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert opinion_count(client) == 1
    # the same key for other content is a conflict
    other = client.post(url, json={**body, "text": "Khác"}, headers=headers)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    mine = client.get("/api/v1/me/opinions", headers=_bearer(client, "dangvien")).json()
    assert mine["items"][0]["quote"] == "dự thảo văn bản"
    assert mine["items"][0]["section_label"] == "Điều 1"


def test_api_errors_are_json(client: TestClient, web_world: World) -> None:
    url = f"/api/v1/consultations/{web_world.consultation.id}/opinions"
    headers = _bearer(client, "dangvien")
    dieu_1 = web_world.section("Điều 1")
    cases: list[tuple[dict[str, Any], dict[str, str], int, str]] = [
        ({"text": "X", "section_id": dieu_1.id, "quote": "không có"}, headers, 400,
         "quote_not_in_section"),
        ({"text": "X", "kind": "amend"}, headers, 400, "proposed_wording_required"),
        ({"text": "X", "kind": "bogus"}, headers, 400, "kind_invalid"),
        ({"text": ""}, headers, 400, "opinion_empty"),
        ({"kind": "comment"}, headers, 422, "invalid_request"),
        ({"text": "X"}, {"X-CSRF-Token": csrf_of(client)}, 401, "login_required"),
    ]  # fmt: skip
    for body, with_headers, status, code in cases:
        response = client.post(url, json=body, headers=with_headers)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["message"]
    response = client.post(
        "/api/v1/consultations/999999/opinions", json={"text": "X"}, headers=headers
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == (
        "consultation_not_found"
    )
    response = client.post(
        url, json={"text": "X"}, headers={**headers, "Idempotency-Key": "k" * 201}
    )
    assert response.status_code == 422
    assert client.get("/api/v1/me/opinions").status_code == 401
    assert opinion_count(client) == 0


def test_api_anonymous_submission_needs_the_policy_and_a_csrf_token(
    client: TestClient, web_world: World
) -> None:
    url = f"/api/v1/consultations/{web_world.consultation.id}/opinions"
    token = csrf_of(client)  # a browser session without an account
    response = client.post(url, json={"text": "Ẩn danh", "anonymous": True})
    assert response.status_code == 403
    response = client.post(
        url, json={"text": "Ẩn danh", "anonymous": True}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 201, response.text
    set_policy(client, web_world, allow_anonymous=False)
    response = client.post(
        url, json={"text": "Lần hai", "anonymous": True}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "anonymous_not_allowed"
