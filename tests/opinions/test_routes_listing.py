"""The opinion list (filters, search, pagination), who sees what, the moderation queue, the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.db.engine import unit_of_work
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion

SCRIPT = '<script>alert("x")</script>'


@contextmanager
def db_of(client: TestClient) -> Iterator[Session]:
    """A committed unit of work on the app's own database."""
    with unit_of_work(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        yield session


@dataclass
class Seeded:
    """The opinions of the matrix, by what they are: unit, status."""

    world: World
    ids: dict[str, int]

    @property
    def list_url(self) -> str:
        return f"/c/{self.world.consultation.id}/opinions"

    @property
    def api_url(self) -> str:
        return f"/api/v1/consultations/{self.world.consultation.id}/opinions"


def _submit(session: Session, world: World, text: str, **fields: Any) -> int:
    result = opinions.submit(
        session=session, consultation_id=world.consultation.id, text=text, **fields
    )
    return result.opinion.id


@pytest.fixture
def seeded(client: TestClient, web_world: World) -> Seeded:
    """Unit A and unit B opinions in each status, an anonymous one, and a secretary of unit B.

    Codes in the texts (OPA-PUB...) say whose and which status each is.
    """
    world = web_world
    now = utcnow()
    with db_of(client) as session:
        person = accounts.create_person(
            session=session, full_name="Thư ký Công đoàn", organisation_id=world.unit_b.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="thukyb", password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=world.unit_b.id, role="secretary"
        )
        member = accounts.create_person(
            session=session, full_name="Uỷ viên Tiểu ban", organisation_id=world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=member.id, username="tieuban", password=PASSWORD
        )
        accounts.grant_role(
            session=session,
            person_id=member.id,
            organisation_id=world.bloc.id,
            role="subcommittee_member",
        )
        written = {"channel": "written", "on_behalf_of_id": world.unit_b.id}
        ids = {
            "A-pub": _submit(
                session, world, "OPA-PUB Đề nghị Đảng ủy khối tăng cường chuyển đổi số.",
                author_person_id=world.member_a, section_id=world.section("Điều 1").id,
                now=now - timedelta(days=5),
            ),
            "A-recv": _submit(
                session, world, "OPA-RECV Ý kiến chưa duyệt của đơn vị A.",
                author_person_id=world.member_a, kind="question",
            ),
            "A-hidden": _submit(
                session, world, "OPA-HID Ý kiến bị ẩn của đơn vị A.",
                author_person_id=world.member_a,
            ),
            "B-pub": _submit(
                session, world, f"OPB-PUB {SCRIPT} Về Đảng uỷ và việc dâng hoa.",
                author_name="Lê Văn Bình", section_id=world.section("Điều 3").id, **written,
            ),
            "B-recv": _submit(
                session, world, "OPB-RECV Ý kiến chưa duyệt của công đoàn.",
                author_name="Phạm Thị Cúc", **written,
            ),
            "B-hidden": _submit(
                session, world, "OPB-HID Ý kiến bị ẩn của công đoàn.", author_name="Đỗ Văn Dũng",
                **written,
            ),
            "anon": _submit(
                session, world, "OPANON Ý kiến ẩn danh đang chờ duyệt.", anonymous=True
            ),
        }  # fmt: skip
        for key in ("A-recv", "B-recv", "anon"):
            opinion = session.get(Opinion, ids[key])
            assert opinion is not None
            opinion.status = "received"
        for key in ("A-hidden", "B-hidden"):
            opinions.hide(session=session, opinion_id=ids[key], reason="Nội dung không phù hợp")
    return Seeded(world, ids)


def codes_in(page: str) -> set[str]:
    return set(re.findall(r"OP(?:A|B)-(?:PUB|RECV|HID)|OPANON", page))


def sign_in(client: TestClient, username: str | None) -> TestClient:
    if username is not None:
        response = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(client)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    return client


ALL = {"OPA-PUB", "OPA-RECV", "OPA-HID", "OPB-PUB", "OPB-RECV", "OPB-HID", "OPANON"}
PUBLISHED = {"OPA-PUB", "OPB-PUB"}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, PUBLISHED),
        ("dangvien", PUBLISHED | {"OPA-RECV", "OPA-HID"}),  # the author sees their own
        ("thuky", ALL),  # secretary of the bloc: every unit, anonymous ones too
        ("thukyb", PUBLISHED | {"OPB-RECV", "OPB-HID"}),  # secretary of unit B: never A's
        ("tieuban", ALL),  # a subcommittee member of the bloc reads all, moderates nothing
    ],
)
def test_who_sees_what_on_the_page_and_in_the_api(
    client: TestClient, seeded: Seeded, username: str | None, expected: set[str]
) -> None:
    sign_in(client, username)
    page = client.get(seeded.list_url)
    assert page.status_code == 200
    assert codes_in(page.text) == expected
    api = client.get(seeded.api_url).json()
    assert codes_in(" ".join(item["text"] for item in api["items"])) == expected
    assert api["total"] == len(expected)
    hidden = {code for code in expected if code.endswith("HID")}
    assert api["hidden"] == len(hidden)
    search = client.get(
        "/api/v1/search", params={"q": "y kien", "consultation_id": seeded.world.consultation.id}
    ).json()
    assert codes_in(" ".join(item["text"] for item in search["items"])) <= expected


CODE_OF = {
    "A-pub": "OPA-PUB", "A-recv": "OPA-RECV", "A-hidden": "OPA-HID", "B-pub": "OPB-PUB",
    "B-recv": "OPB-RECV", "B-hidden": "OPB-HID", "anon": "OPANON",
}  # fmt: skip


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, PUBLISHED),
        ("dangvien", PUBLISHED | {"OPA-RECV", "OPA-HID"}),
        ("thukyb", PUBLISHED | {"OPB-RECV", "OPB-HID"}),
        ("thuky", ALL),
    ],
)
def test_one_opinion_page_follows_the_same_policy(
    client: TestClient, seeded: Seeded, username: str | None, expected: set[str]
) -> None:
    sign_in(client, username)
    for key, opinion_id in seeded.ids.items():
        page = client.get(f"/opinions/{opinion_id}")
        api = client.get(f"/api/v1/opinions/{opinion_id}")
        if CODE_OF[key] in expected:
            assert page.status_code == 200 and CODE_OF[key] in page.text
            assert api.status_code == 200 and CODE_OF[key] in api.json()["text"]
        else:
            assert (page.status_code, api.status_code) == (404, 404), key
    assert "<script>" not in client.get(f"/opinions/{seeded.ids['B-pub']}").text


def test_a_consultation_that_keeps_opinions_private(client: TestClient, seeded: Seeded) -> None:
    with db_of(client) as session:
        consultation = session.get(Consultation, seeded.world.consultation.id)
        assert consultation is not None
        consultation.opinions_public = False
    page = client.get(seeded.list_url)
    assert page.status_code == 200 and codes_in(page.text) == set()
    assert "không được công khai" in page.text
    sign_in(client, "dangvien")
    assert codes_in(client.get(seeded.list_url).text) == {"OPA-PUB", "OPA-RECV", "OPA-HID"}
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    sign_in(client, "thukyb")
    assert codes_in(client.get(seeded.api_url).text) == {"OPB-PUB", "OPB-RECV", "OPB-HID"}


def test_hidden_opinions_show_their_reason_and_are_counted_apart(
    client: TestClient, seeded: Seeded
) -> None:
    sign_in(client, "thuky")
    page = client.get(seeded.list_url).text
    assert "7 ý kiến" in page and "2 ý kiến đã ẩn" in page
    assert page.count('class="opinion is-hidden"') == 2
    assert "Đã ẩn, lý do" in page and "Nội dung không phù hợp" in page
    assert "⊘" in page  # a marker besides the colour


def test_filters_narrow_the_list(client: TestClient, seeded: Seeded) -> None:
    world = seeded.world
    sign_in(client, "thuky")

    def shown(**params: str) -> set[str]:
        response = client.get(seeded.list_url, params=params)
        assert response.status_code == 200, response.text
        return codes_in(response.text)

    assert shown(section=str(world.section("Điều 1").id)) == {"OPA-PUB"}
    assert shown(organisation=str(world.unit_b.id)) == {"OPB-PUB", "OPB-RECV", "OPB-HID"}
    assert shown(organisation=str(world.unit_a.id)) == {"OPA-PUB", "OPA-RECV", "OPA-HID"}
    assert shown(organisation=str(world.bloc.id)) == ALL - {"OPANON"}  # the subtree
    assert shown(channel="written") == {"OPB-PUB", "OPB-RECV", "OPB-HID"}
    assert shown(kind="question") == {"OPA-RECV"}
    assert shown(status="hidden") == {"OPA-HID", "OPB-HID"}
    assert shown(status="received") == {"OPA-RECV", "OPB-RECV", "OPANON"}
    five_days_ago = (utcnow() - timedelta(days=5)).astimezone(world_tz()).strftime("%d/%m/%Y")
    assert shown(date_from=five_days_ago, date_to=five_days_ago) == {"OPA-PUB"}
    assert "OPA-PUB" not in shown(date_from=today())
    assert shown(channel="written", q="dang uy") == {"OPB-PUB"}


def world_tz() -> Any:
    from ykien.timefmt import VN_TZ

    return VN_TZ


def today() -> str:
    return utcnow().astimezone(world_tz()).strftime("%d/%m/%Y")


def test_bad_filters_say_why_and_keep_what_was_typed(client: TestClient, seeded: Seeded) -> None:
    response = client.get(seeded.list_url, params={"date_from": "31/02/2025", "q": "đảng ủy"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in response.text and "31/02/2025" in response.text
    assert 'value="đảng ủy"' in response.text
    response = client.get(
        seeded.list_url, params={"date_from": "02/03/2025", "date_to": "01/03/2025"}
    )
    assert response.status_code == 400 and "ngày kết thúc" in response.text.lower()
    assert client.get(seeded.list_url, params={"kind": "praise"}).status_code == 400
    assert client.get(seeded.list_url, params={"section": "abc"}).status_code == 400
    api = client.get(seeded.api_url, params={"date_to": "hôm qua"})
    assert api.status_code == 400 and api.json()["error"]["code"] == "date_invalid"
    assert client.get(seeded.api_url, params={"q": "x" * 1000}).status_code == 422
    assert client.get("/c/999/opinions").status_code == 404
    assert client.get("/c/99999999999/opinions").status_code == 422
    assert client.get(seeded.list_url, params={"section": "99999999999"}).status_code == 400
    assert client.get(seeded.list_url, params={"page": "0"}).status_code == 422
    big = {"q": "x", "consultation_id": "99999999999"}
    assert client.get("/api/v1/search", params=big).status_code == 422


def test_search_ignores_diacritics_or_matches_them_exactly(
    client: TestClient, seeded: Seeded
) -> None:
    def found(q: str) -> set[str]:
        return codes_in(client.get(seeded.list_url, params={"q": q}).text)

    assert found("dang uy") == {"OPA-PUB", "OPB-PUB"}  # "Đảng ủy" and "Đảng uỷ"
    assert found("Đảng ủy") == {"OPA-PUB", "OPB-PUB"}  # tone placement does not matter
    assert found("ĐẢNG UỶ") == {"OPA-PUB", "OPB-PUB"}
    assert found("nguyen doan hoan") == {"OPA-PUB"}  # the author's name
    assert found("Nguyễn Doãn Hoàn") == {"OPA-PUB"}
    assert found("cong doan so noi vu") == {"OPB-PUB"}  # the organisation's name
    assert found("dâng") == {"OPB-PUB"}
    assert found("đang") == set()  # with marks: not "Đảng"
    assert found("chuyen doi so") == {"OPA-PUB"}


def test_search_results_highlight_the_match_and_escape_the_text(
    client: TestClient, seeded: Seeded
) -> None:
    page = client.get(seeded.list_url, params={"q": "dang uy"}).text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<mark>Đảng uỷ</mark>" in page and "<mark>Đảng ủy</mark>" in page
    page = client.get(seeded.list_url, params={"q": "nguyen doan"}).text
    assert "<mark>Nguyễn Doãn</mark> Hoàn" in page
    api = client.get(
        "/api/v1/search", params={"q": "dang uy", "consultation_id": seeded.world.consultation.id}
    ).json()
    assert api["mode"] == "fold" and api["total"] == 2
    for item in api["items"]:
        spans = [h for h in item["highlights"] if h["field"] == "text"]
        assert [item["text"][h["start"] : h["end"]] for h in spans] in (["Đảng ủy"], ["Đảng uỷ"])
    exact = client.get(
        "/api/v1/search",
        params={"q": "Nguyễn Doãn Hoàn", "consultation_id": seeded.world.consultation.id},
    ).json()
    assert exact["mode"] == "tone"
    assert [(h["field"], h["start"], h["end"]) for h in exact["items"][0]["highlights"]] == [
        ("author", 0, 16)
    ]
    assert client.get("/api/v1/search", params={"q": "x"}).status_code == 422


def test_pages_of_25_newest_first(client: TestClient, web_world: World) -> None:
    now = utcnow()
    with db_of(client) as session:
        for number in range(1, 31):
            _submit(
                session, web_world, f"Ý kiến số {number:02d}.", author_person_id=web_world.member_a,
                now=now - timedelta(minutes=100 - number),
            )  # fmt: skip
    url = f"/c/{web_world.consultation.id}/opinions"
    first = client.get(url).text
    numbers = [int(n) for n in re.findall(r"Ý kiến số (\d\d)", first)]
    assert numbers == list(range(30, 5, -1))
    assert "30 ý kiến" in first and "Trang 1/2" in first
    assert f'href="{url}?page=2"' in first
    second = client.get(url, params={"page": 2}).text
    assert [int(n) for n in re.findall(r"Ý kiến số (\d\d)", second)] == [5, 4, 3, 2, 1]
    api = client.get(f"/api/v1/consultations/{web_world.consultation.id}/opinions?page=2").json()
    assert (api["page"], api["pages"], api["total"], len(api["items"])) == (2, 2, 30, 5)
    filtered = client.get(url, params={"q": "so 0", "page": 2}).text  # page clamped to the last
    assert "Trang 1/" not in filtered and filtered.count('<li class="opinion"') == 9
    assert "Ý kiến <mark>số 0</mark>9." in filtered


def test_pages_link_by_cursor_and_the_api_gives_the_cursors(
    client: TestClient, web_world: World
) -> None:
    now = utcnow()
    with db_of(client) as session:
        for number in range(1, 56):
            _submit(
                session, web_world, f"Ý kiến số {number:02d}.", author_person_id=web_world.member_a,
                now=now - timedelta(minutes=100 - number),
            )  # fmt: skip
    url = f"/c/{web_world.consultation.id}/opinions"
    first = client.get(url).text
    link = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)
    assert link is not None and "Trang 1/3" in first
    second = client.get(link.group(1).replace("&amp;", "&")).text
    assert [int(n) for n in re.findall(r"Ý kiến số (\d\d)", second)] == list(range(30, 5, -1))
    assert "Trang 2/3" in second
    assert f'href="{url}?page=3" rel="next"' in second  # the last page: by its number
    assert f'href="{url}" rel="prev"' in second  # the first page: no cursor
    last = client.get(url, params={"page": 3}).text
    assert [int(n) for n in re.findall(r"Ý kiến số (\d\d)", last)] == [5, 4, 3, 2, 1]
    api_url = f"/api/v1/consultations/{web_world.consultation.id}/opinions"
    api = client.get(api_url).json()
    assert api["previous_cursor"] is None and api["next_cursor"]
    following = client.get(api_url, params={"after": api["next_cursor"], "page": 2}).json()
    assert following["items"][0]["text"] == "Ý kiến số 30."
    back = client.get(api_url, params={"before": following["previous_cursor"]}).json()
    assert back["items"] == api["items"]
    assert client.get(api_url, params={"page": 3}).json()["next_cursor"] is None
    bad = client.get(api_url, params={"after": "not-a-cursor"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "cursor_invalid"
    assert client.get(url, params={"after": "1.2.3"}).status_code == 400
    assert client.get(url, params={"after": "9" * 100}).status_code == 422


def test_moderation_queue_hide_and_restore(client: TestClient, seeded: Seeded) -> None:
    cid = seeded.world.consultation.id
    sign_in(client, "thuky")
    queue = client.get(f"/c/{cid}/moderation")
    assert queue.status_code == 200
    assert codes_in(queue.text) == {"OPA-RECV", "OPA-HID", "OPB-RECV", "OPB-HID", "OPANON"}
    assert "3 ý kiến chờ xem xét" in queue.text and "2 ý kiến đã ẩn" in queue.text
    target = seeded.ids["A-recv"]
    refused = client.post(f"/opinions/{target}/hide", data={"reason": "Trùng lặp"})
    assert refused.status_code == 403  # no CSRF token
    token = csrf_of(client)
    empty = client.post(f"/opinions/{target}/hide", data={"reason": "  ", "csrf_token": token})
    assert empty.status_code == 400 and "Cần nêu lý do" in empty.text
    long_reason = "Quá dài " * 200
    too_long = client.post(
        f"/opinions/{target}/hide", data={"reason": long_reason, "csrf_token": token}
    )
    assert too_long.status_code == 400 and long_reason.strip()[:40] in too_long.text
    done = client.post(
        f"/opinions/{target}/hide",
        data={"reason": "Trùng lặp", "csrf_token": token, "next": f"/c/{cid}/moderation"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/c/{cid}/moderation"
    with db_of(client) as session:
        opinion = session.get(Opinion, target)
        assert opinion is not None and opinion.status == "hidden"
        assert opinion.hidden_reason == "Trùng lặp"
    assert "3 ý kiến đã ẩn" in client.get(f"/c/{cid}/moderation").text
    restored = client.post(
        f"/opinions/{seeded.ids['B-hidden']}/restore",
        data={"csrf_token": token, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert restored.status_code == 303 and restored.headers["location"] == f"/c/{cid}/moderation"
    with db_of(client) as session:
        opinion = session.get(Opinion, seeded.ids["B-hidden"])
        assert opinion is not None
        assert (opinion.status, opinion.hidden_reason) == ("published", None)
    assert (
        client.post("/opinions/9999/hide", data={"reason": "x", "csrf_token": token}).status_code
        == 404
    )


def test_moderation_is_limited_to_the_moderators_units(client: TestClient, seeded: Seeded) -> None:
    cid = seeded.world.consultation.id
    assert client.get(f"/c/{cid}/moderation", follow_redirects=False).status_code == 303  # sign in
    assert client.get(f"/api/v1/consultations/{cid}/moderation").status_code == 401
    sign_in(client, "tieuban")
    assert client.get(f"/c/{cid}/moderation").status_code == 403
    assert 'action="/opinions/' not in client.get(seeded.list_url).text  # no hide buttons
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    sign_in(client, "dangvien")
    assert client.get(f"/c/{cid}/moderation").status_code == 403
    token = csrf_of(client)
    own = seeded.ids["A-recv"]
    assert (
        client.post(f"/opinions/{own}/hide", data={"reason": "x", "csrf_token": token}).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": token})
    sign_in(client, "thukyb")
    queue = client.get(f"/c/{cid}/moderation").text
    assert codes_in(queue) == {"OPB-RECV", "OPB-HID"}
    token = csrf_of(client)
    for action, key in (("hide", "A-recv"), ("restore", "A-hidden")):
        response = client.post(
            f"/opinions/{seeded.ids[key]}/{action}", data={"reason": "x", "csrf_token": token}
        )
        assert response.status_code == 403, action
    api = client.post(
        f"/api/v1/opinions/{seeded.ids['A-pub']}/hide",
        json={"reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    ok = client.post(
        f"/opinions/{seeded.ids['B-recv']}/hide", data={"reason": "Sai chủ đề", "csrf_token": token}
    )
    assert ok.status_code == 200  # redirected back to the queue
    with db_of(client) as session:
        for key, status in (("A-recv", "received"), ("A-hidden", "hidden"), ("B-recv", "hidden")):
            opinion = session.get(Opinion, seeded.ids[key])
            assert opinion is not None and opinion.status == status, key


def test_moderation_api(client: TestClient, seeded: Seeded) -> None:
    cid = seeded.world.consultation.id
    token = client.post("/api/v1/tokens", json={"username": "thuky", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    queue = client.get(f"/api/v1/consultations/{cid}/moderation", headers=bearer).json()
    assert (queue["total"], queue["hidden"]) == (5, 2)
    assert all(item["can_moderate"] for item in queue["items"])
    hidden_only = client.get(
        f"/api/v1/consultations/{cid}/moderation", params={"status": "hidden"}, headers=bearer
    ).json()
    assert codes_in(" ".join(i["text"] for i in hidden_only["items"])) == {"OPA-HID", "OPB-HID"}
    target = seeded.ids["A-pub"]
    missing = client.post(f"/api/v1/opinions/{target}/hide", json={"reason": ""}, headers=bearer)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "reason_required"
    hidden = client.post(
        f"/api/v1/opinions/{target}/hide", json={"reason": "Lạc đề"}, headers=bearer
    )
    assert hidden.status_code == 200
    assert (hidden.json()["status"], hidden.json()["hidden_reason"]) == ("hidden", "Lạc đề")
    public = TestClient(client.app)
    assert "OPA-PUB" not in public.get(seeded.list_url).text
    restored = client.post(f"/api/v1/opinions/{target}/restore", headers=bearer)
    assert restored.status_code == 200 and restored.json()["status"] == "published"
    assert "OPA-PUB" in public.get(seeded.list_url).text
    # a browser session needs the CSRF header for JSON too
    sign_in(client, "thuky")
    assert client.post(f"/api/v1/opinions/{target}/restore").status_code == 403
    headers = {"X-CSRF-Token": csrf_of(client)}
    assert client.post(f"/api/v1/opinions/{target}/restore", headers=headers).status_code == 200


def test_the_api_is_described_in_openapi(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/consultations/{consultation_id}/opinions"]
    assert "get" in paths["/api/v1/search"]
    assert "get" in paths["/api/v1/consultations/{consultation_id}/moderation"]
    assert "post" in paths["/api/v1/opinions/{opinion_id}/hide"]
    assert "post" in paths["/api/v1/opinions/{opinion_id}/restore"]


def test_the_list_links_its_stylesheet_and_labels_every_field(
    client: TestClient, seeded: Seeded, login: Callable[[str], TestClient]
) -> None:
    login("thuky")
    page = client.get(seeded.list_url).text
    assert '<link rel="stylesheet" href="/static/opinions.css">' in page
    assert client.get("/static/opinions.css").status_code == 200
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    assert ids and all(f'for="{i}"' in page for i in ids)
    assert page.count("<h1>") == 1
