from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of


def test_home_lists_the_open_consultation_in_vietnamese(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Lấy ý kiến Luật thử nghiệm" in page.text
    assert 'lang="vi"' in page.text
    assert "Đăng nhập" in page.text


def test_sign_in_sets_a_hardened_cookie_and_sign_out_clears_it(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": "thuky", "password": PASSWORD, "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "Thư ký Khối" in client.get("/account").text
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_wrong_password_keeps_the_username_and_says_why(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={"username": "thuky", "password": "sai", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 400
    assert "không đúng" in response.text
    assert 'value="thuky"' in response.text


def test_sign_in_is_rate_limited(client: TestClient) -> None:
    token = csrf_of(client)
    for _ in range(5):
        client.post("/login", data={"username": "thuky", "password": "sai", "csrf_token": token})
    response = client.post(
        "/login", data={"username": "thuky", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "giây" in response.text and response.headers["retry-after"] == "30"


def test_state_changes_without_csrf_are_refused(client: TestClient) -> None:
    response = client.post("/login", data={"username": "thuky", "password": PASSWORD})
    assert response.status_code == 403
    assert "tải lại trang" in response.text
    response = client.post(
        "/login", data={"username": "thuky", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_language_switch_is_remembered(client: TestClient) -> None:
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_of(client)})
    page = client.get("/")
    assert 'lang="en"' in page.text and "Sign in" in page.text
    assert client.get("/login").text.count("Username") >= 1


def test_password_change_and_api_token(
    client: TestClient, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    token = csrf_of(client)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "mat-khau-moi-123", "confirm": "mat-khau-moi-123",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 200 and "đã được đổi" in response.text
    api = client.post(
        "/api/v1/tokens", json={"username": "dangvien", "password": "mat-khau-moi-123"}
    )
    assert api.status_code == 201
    bearer = {"Authorization": f"Bearer {api.json()['token']}"}
    fresh = TestClient(client.app)
    me = fresh.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["username"] == "dangvien"
    assert fresh.get("/api/v1/me", headers={"Authorization": "Bearer yk_nope"}).status_code == 401


def test_api_errors_are_json_in_the_users_language(client: TestClient) -> None:
    response = client.get("/api/v1/consultations/999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "consultation_not_found"
    assert client.get("/api/v1/me").status_code == 401


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    response = client.post("/login", content=b"x" * 25_000_000)
    assert response.status_code == 413
