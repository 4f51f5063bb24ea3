"""The import's error report is kept under the batch's id once the import is committed."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import World
from tests.web.conftest import csrf_of
from ykien.opinions.uploads import report_file, uploads_dir


def test_the_error_report_is_kept_after_the_commit_and_nothing_waits(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("thuky")
    settings = client.app.state.settings  # type: ignore[attr-defined]
    csv_file = "Góp ý,Loại\nNên rút ngắn thời hạn,góp ý\nLoại lạ,kỳ lạ\n".encode()
    response = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/imports",
        files={"file": ("gop-y.csv", csv_file, "text/csv")},
        data={"mapping": '{"text": "Góp ý", "kind": "Loại"}'},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["rows_imported"], body["rows_rejected"]) == (1, 1)
    kept = report_file(settings, body["batch_id"])
    assert kept.is_file()
    lines = kept.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("dòng / row") and lines[1].startswith("3,Loại,")
    assert list(uploads_dir(settings).iterdir()) == []  # neither the upload nor a scratch report
    # a refused import keeps no report and leaves nothing behind
    refused = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/imports",
        files={"file": ("gop-y.csv", csv_file, "text/csv")},  # the same file again
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert refused.status_code == 409, refused.text
    assert list(uploads_dir(settings).iterdir()) == []
    assert report_file(settings, body["batch_id"] + 1).exists() is False
