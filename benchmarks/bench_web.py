"""Web latency and submission throughput on PostgreSQL, beside a bare FastAPI endpoint.

1. Builds a consultation with 1,000 sections and 200,000 opinions in a throw-away PostgreSQL
   database (draft parsed from text, opinions through the bulk importer).
2. Serves the real app (`ykien serve --workers 2`) in child processes and measures, from this
   process, the p50 and p95 latency of the draft reader and of the opinion list with a section
   filter and a search.
3. Drives opinion submission over HTTP with `wrk` (a second process, loopback only, bounded in
   time) and prints acknowledged opinions/s and p99, beside the same load on a bare FastAPI JSON
   endpoint served the same way in the same run.
4. Counts the rows: every acknowledged submission (HTTP 201/200 with its idempotency key) is in
   the database exactly once.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from benchmarks.bench_import import PG_ADMIN_URL, VOCABULARY
from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.consultations import service as consultations
from ykien.db import migrate
from ykien.db.base import utcnow
from ykien.db.engine import make_engine
from ykien.drafts import service as drafts
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion
from ykien.orgs import service as orgs

UNITS = 20


def _law(articles: int) -> str:
    lines = ["LUẬT ĐO HIỆU NĂNG WEB"]
    for chapter in range(1, articles // 25 + 1):
        lines += [f"Chương {chapter}", f"NỘI DUNG CHƯƠNG {chapter}"]
        for article in range((chapter - 1) * 25 + 1, chapter * 25 + 1):
            lines.append(f"Điều {article}. Quy định về nội dung số {article}")
            lines += [
                f"{k}. Cơ quan, tổ chức có trách nhiệm thực hiện quy định tại khoản {k} "
                f"của Điều {article} về lấy ý kiến nhân dân đối với dự thảo."
                for k in (1, 2)
            ]
    return "\n".join(lines) + "\n"


@contextmanager
def pg_database() -> Iterator[str]:
    name = f"ykien_webbench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url: str, folder: Path, opinions: int) -> dict[str, object]:
    """The consultation, its opinions and an API token for the load generator."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(11)
    words = VOCABULARY.split()
    with Session(engine) as session:
        bloc = orgs.create(session=session, name="Đảng bộ Khối", kind="party_committee")
        units = [
            orgs.create(
                session=session, name=f"Chi bộ số {i}", kind="party_cell", parent_id=bloc.id
            )
            for i in range(1, UNITS + 1)
        ]
        draft = drafts.create_draft(session=session, title="Luật đo hiệu năng web", kind="law")
        version = drafts.import_version(
            session=session, draft_id=draft.id, data=_law(325).encode(), filename="luat.txt"
        )
        consultation = consultations.create(
            session=session,
            title="Đo hiệu năng web",
            draft_version_id=version.id,
            organiser_id=bloc.id,
            opens_at=utcnow() - timedelta(days=30),
            closes_at=utcnow() + timedelta(days=30),
        )
        consultations.open_(session=session, consultation_id=consultation.id)
        person = accounts.create_person(
            session=session, full_name="Nguyễn Doãn Hoàn", organisation_id=units[0].id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="taiphu", password="mat-khau-do-tai"
        )
        token = tokens.issue(session=session, account_id=1, name="bench").token
        session.commit()
        source = folder / "opinions.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Nội dung", "Điều khoản", "Đơn vị", "Người góp ý"])
            for i in range(opinions):
                writer.writerow([
                    " ".join(rng.choices(words, k=30)).capitalize() + ".",
                    f"Điều {rng.randrange(1, 326)}",
                    f"Chi bộ số {rng.randrange(1, UNITS + 1)}",
                    "Nguyễn Doãn Hoàn" if i % 500 == 0 else f"Trần Văn {i % 997}",
                ])  # fmt: skip
        import_opinions(session=session, consultation_id=consultation.id, source=source)
        session.commit()
        # what autovacuum does on a live server: statistics and the visibility map, so counts
        # are index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE opinions")
        sections = drafts.sections_of(session=session, version_id=version.id)
        section_count = len(sections)
        khoan = next(s for s in sections if s.label == "Điều 17")
        result = {
            "consultation_id": consultation.id,
            "section_id": khoan.id,
            "sections": section_count,
            "token": token,
        }
    engine.dispose()
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BARE_APP = textwrap.dedent(
    """
    from fastapi import FastAPI, Request
    app = FastAPI()

    @app.post("/api/v1/consultations/{cid}/opinions", status_code=201)
    async def submit(cid: int, request: Request) -> dict[str, object]:
        body = await request.json()
        return {"id": 1, "receipt_code": "YK-0000-0000-0000", "status": "published",
                "created": True, "text": body.get("text", "")[:10]}
    """
)


@contextmanager
def server(args: list[str], env: dict[str, str], pids: list[int] | None = None) -> Iterator[str]:
    """`args` served on a free loopback port by `python -m ...` (2 worker processes); the
    server's pid is appended to `pids`."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", *args, "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env={**os.environ, **env},
    )
    if pids is not None:
        pids.append(process.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # building the app imports the NLP libraries
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)  # graceful: in-flight submissions drain first
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def latency(client: httpx.Client, url: str, count: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `count` sequential GETs (after 5 warm-up requests)."""
    for _ in range(5):
        client.get(url).raise_for_status()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


WRK_SCRIPT = textwrap.dedent(
    """
    local counter = 0
    local thread_id = 0
    local threads = {}
    function setup(thread)
      thread:set("tid", thread_id)
      thread_id = thread_id + 1
      table.insert(threads, thread)
    end
    function request()
      counter = counter + 1
      local key = "bench-" .. tid .. "-" .. counter
      wrk.headers["Idempotency-Key"] = key
      return wrk.format("POST", nil, nil, string.format(wrk.body, key))
    end
    function done(summary, latency, requests)
      local out = io.open(os.getenv("WRK_OUT"), "w")
      out:write(string.format("p99_ms=%f\\n", latency:percentile(99) / 1000))
      out:write(string.format("requests=%d\\n", summary.requests))
      out:write(string.format("non2xx=%d\\n", summary.errors.status))
      out:close()
    end
    """
)


def load(
    base: str, consultation_id: int, token: str, seconds: int, folder: Path
) -> dict[str, float]:
    """wrk: 2 threads, 32 connections, for `seconds`; returns rate, p99 and counts."""
    script = folder / "submit.lua"
    body = json.dumps({"text": "Ý kiến đo tải số %s về dự thảo.", "kind": "comment"})
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
        f'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n' + WRK_SCRIPT,
        encoding="utf-8",
    )
    out = folder / "wrk.out"
    started = time.perf_counter()
    subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script),
         f"{base}/api/v1/consultations/{consultation_id}/opinions"],
        check=True, capture_output=True, env={**os.environ, "WRK_OUT": str(out)},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    values = dict(line.split("=", 1) for line in out.read_text().split())
    requests, non2xx = int(values["requests"]), int(values["non2xx"])
    return {
        "rate": (requests - non2xx) / elapsed,
        "p99": float(values["p99_ms"]),
        "acked": requests - non2xx,
        "errors": non2xx,
    }


def run(opinions: int, seconds: int, samples: int) -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); skipping the submission load")
    with tempfile.TemporaryDirectory() as folder_name, pg_database() as url:
        folder = Path(folder_name)
        started = time.perf_counter()
        data = build(url, folder, opinions)
        print(
            f"web: PostgreSQL, {data['sections']} sections, {opinions:,} opinions "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        cid, section = data["consultation_id"], data["section_id"]
        env = {"YKIEN_DATABASE_URL": url, "YKIEN_DATA_DIR": str(folder)}
        app_args = ["ykien.cli", "serve"]  # settings from the YKIEN_* variables
        with server(app_args, env) as base, httpx.Client(base_url=base, timeout=30) as client:
            for name, path in [
                ("draft reader", f"/c/{cid}"),
                (
                    "opinion list + filter + search",
                    f"/c/{cid}/opinions?section={section}&q=chuyen+doi+so",
                ),
            ]:
                p50, p95 = latency(client, path, samples)
                print(f"  {name:<32} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (target p95 ≤ 100 ms)")
            if shutil.which("wrk"):
                ours = load(base, int(cid), str(data["token"]), seconds, folder)  # type: ignore[call-overload]
        if not shutil.which("wrk"):
            return
        bare_file = folder / "bare_app.py"
        bare_file.write_text(BARE_APP, encoding="utf-8")
        bare_env = {"PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}
        with server(["ykien.web.serve", "bare_app:app"], bare_env) as base:
            bare = load(base, int(cid), "x", seconds, folder)  # type: ignore[call-overload]
        print(
            f"  submissions: {ours['rate']:,.0f} acknowledged/s, p99 {ours['p99']:.0f} ms "
            f"({ours['errors']:.0f} non-2xx)   bare FastAPI endpoint {bare['rate']:,.0f}/s, "
            f"p99 {bare['p99']:.0f} ms   ratio {ours['rate'] / bare['rate']:.2f}"
        )
        engine = make_engine(url)
        with Session(engine) as session:
            keys = session.execute(
                select(Opinion.idempotency_key, func.count())
                .where(Opinion.idempotency_key.startswith("bench-"))
                .group_by(Opinion.idempotency_key)
            ).all()
        engine.dispose()
        twice = sum(1 for _key, count in keys if count > 1)
        lost = max(0, int(ours["acked"]) - len(keys))
        print(
            f"  rows check: {ours['acked']:,.0f} acknowledged, {len(keys):,} stored, "
            f"{lost} acknowledged but missing, {twice} stored twice"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    run(args.opinions, args.seconds, args.samples)


if __name__ == "__main__":
    main()
