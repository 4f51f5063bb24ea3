"""The whole `ykien analyse` job at scale, local and on a 2-worker Dask LocalCluster, on PostgreSQL.

Loads one consultation of N generated opinions with COPY (realistic Vietnamese texts with kind
cues, 8% campaign copies with small edits, a third online with the kind the author chose, a
quarter without a section, a few insults), then times the whole job (every stage, as
`ykien analyse` runs it) and a re-run with nothing new, and prints the peak RSS of this process
and of each Dask worker. With `--baseline SRC` the same job also runs with another checkout's
code (e.g. `--baseline /work/main/src`, today's main) in a child process on a copy of the data,
and the ratio is printed.

`python -m benchmarks.bench_analyse --opinions 200000 --engines local dask \\
    --baseline /work/main/src`
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from benchmarks.bench_import import NOW, PG_ADMIN_URL, setup_world
from ykien.db import migrate
from ykien.db.engine import make_engine

SUBJECTS = """
thời hạn lấy ý kiến|trách nhiệm của cơ quan chủ trì|quyền của người dân|chuyển đổi số|
cải cách hành chính|công tác cán bộ|phòng chống tham nhũng|kinh tế tư nhân|đất đai|nhà ở xã hội|
giáo dục phổ thông|y tế cơ sở|bảo vệ môi trường|biến đổi khí hậu|an ninh mạng|đối ngoại|
sinh hoạt chi bộ|đoàn thanh niên|công đoàn cơ sở|hội cựu chiến binh|phát triển bền vững
"""
TOPICS = [s.strip() for s in SUBJECTS.replace("\n", "").split("|") if s.strip()]
PATTERNS = [
    "Đề nghị bổ sung quy định về {s} tại {r} để bảo đảm tính khả thi.",
    "Tôi đồng ý với nội dung {r} về {s}, đây là điểm mới rất cần thiết.",
    "Không đồng ý với quy định về {s} như dự thảo vì chưa phù hợp với thực tiễn.",
    "Đề nghị sửa {r} thành: {s} phải được công khai, minh bạch.",
    "Đề nghị bỏ quy định về {s} tại {r} vì trùng lặp với luật hiện hành.",
    "Tại sao dự thảo không quy định rõ {s}? Cần giải thích thêm.",
    "Kiến nghị Ban soạn thảo nghiên cứu thêm về {s} trong bối cảnh mới.",
    "Nội dung về {s} cần được làm rõ hơn, nhất là ở cấp cơ sở và vùng sâu vùng xa.",
    "Dự thảo viết về {s} còn chung chung, đề nghị cụ thể hóa bằng chỉ tiêu.",
    "Về {s}, cần có lộ trình thực hiện và nguồn lực bảo đảm.",
]
TAILS = ["", " Xin cảm ơn.", " Trân trọng.", " Đề nghị tiếp thu.", " Mong được giải trình."]
FILLER = """
thực tiễn địa phương cho thấy việc triển khai còn nhiều khó khăn vướng mắc cần tháo gỡ kịp thời
hiệu quả đồng bộ thống nhất minh bạch công khai trách nhiệm giải trình người đứng đầu
""".split()  # noqa: SIM905
INSULTS = ["Bọn soạn thảo thật ngu si.", "Đồ khốn nạn, viết thế mà cũng viết."]
CAMPAIGNS = 40
CAMPAIGN_SHARE = 0.08
KIND_OF_PATTERN = ["add", "agree", "disagree", "amend", "delete", "question", "recommendation"]


def _texts(count: int, seed: int = 11) -> list[tuple[str, str | None]]:
    """(text, kind the author chose or None) of count opinions."""
    rng = random.Random(seed)
    refs = [f"Điều {a}" for a in range(1, 61)] + [f"khoản {k} Điều {a}" for a in (1, 5, 9)
                                                   for k in (1, 2, 3)]  # fmt: skip
    campaigns = [
        rng.choice(PATTERNS).format(s=rng.choice(TOPICS), r=rng.choice(refs))
        + " "
        + " ".join(rng.choices(FILLER, k=12))
        for _ in range(CAMPAIGNS)
    ]
    rows: list[tuple[str, str | None]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < CAMPAIGN_SHARE:
            rows.append((rng.choice(campaigns) + rng.choice(TAILS), None))
            continue
        if roll < CAMPAIGN_SHARE + 0.001:
            rows.append((rng.choice(INSULTS), None))
            continue
        number = rng.randrange(len(PATTERNS))
        body = PATTERNS[number].format(s=rng.choice(TOPICS), r=rng.choice(refs))
        extra = " ".join(rng.choices(FILLER, k=rng.randrange(4, 30)))
        kind = KIND_OF_PATTERN[number] if number < len(KIND_OF_PATTERN) else None
        rows.append((f"{body} {extra.capitalize()}.", kind))
    return rows


def load(engine: Engine, count: int) -> int:
    """A consultation of count opinions (COPY), returns its id."""
    with Session(engine) as session:
        consultation_id = setup_world(session)
        session.commit()
        section_ids = [
            row[0]
            for row in session.execute(
                text(
                    "SELECT s.id FROM sections s JOIN consultations c "
                    "ON c.draft_version_id = s.version_id WHERE c.id = :c"
                ),
                {"c": consultation_id},
            )
        ]
    rng = random.Random(5)
    columns = (
        "consultation_id, section_id, text, kind, channel, submitted_at, status, "
        "content_hash, receipt_code"
    )
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        with cursor.copy(f"COPY opinions ({columns}) FROM STDIN") as copy:
            for number, (body, chosen) in enumerate(_texts(count)):
                online = chosen is not None and rng.random() < 0.35
                copy.write_row((
                    consultation_id,
                    rng.choice(section_ids) if rng.random() < 0.75 else None,
                    body,
                    chosen if online else "comment",
                    "online" if online else "import",
                    NOW - timedelta(minutes=rng.randrange(40_000)),
                    "published",
                    hashlib.sha256(body.encode()).hexdigest(),
                    f"B{number:011d}",
                ))  # fmt: skip
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE opinions"))
    return consultation_id


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _WorkerMemory:
    """Samples the RSS of the cluster's workers every second; keeps each one's peak."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            try:
                info = self.client.scheduler_info()["workers"]
            except Exception:  # the cluster is closing
                return
            for address, worker in info.items():
                memory = worker.get("metrics", {}).get("memory", 0) / 2**20
                self.peaks[address] = max(self.peaks.get(address, 0.0), memory)

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join()
        return sorted(self.peaks.values(), reverse=True)


def time_job(url: str, consultation_id: int, engine_name: str, scheduler: str | None) -> float:
    """One whole run as `ykien analyse` executes it, in this process; returns seconds."""
    from ykien.analysis import jobs
    from ykien.analysis import service as analysis
    from ykien.config import Settings
    from ykien.db.engine import make_session_factory, unit_of_work

    engine = make_engine(url)
    settings = Settings(database_url=url, data_dir=Path(os.environ.get("TMPDIR", "/tmp")))
    last = [time.perf_counter(), ""]

    def progress(stage: str, done: int, total: int) -> None:
        if stage != last[1]:
            now = time.perf_counter()
            print(f"      {stage} started at {now - started:.1f} s", flush=True)
            last[:] = [now, stage]

    with unit_of_work(make_session_factory(engine)) as session:
        run_id = analysis.request_run(
            session=session,
            consultation_id=consultation_id,
            requested_by=None,
            engine=engine_name,
            scheduler=scheduler,
        ).id
    started = time.perf_counter()
    finished = jobs.execute_run(engine=engine, run_id=run_id, settings=settings, progress=progress)
    elapsed = time.perf_counter() - started
    engine.dispose()
    print(f"      stats {json.dumps(finished.stats, ensure_ascii=False)}", flush=True)
    return elapsed


def _child(args: argparse.Namespace) -> None:
    """Run inside a child process: time one job and print its figures as one JSON line."""
    seconds = time_job(args.url, args.consultation, args.engine, None)
    print("RESULT " + json.dumps({"seconds": seconds, "rss_mib": _peak_rss_mib()}), flush=True)


def run_elsewhere(src: str, url: str, consultation_id: int, engine_name: str) -> dict[str, float]:
    """The same job with the code in src (a child process with PYTHONPATH=src)."""
    here = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": f"{src}:{here}"}
    command = [sys.executable, "-m", "benchmarks.bench_analyse", "--child", "--url", url,
               "--consultation", str(consultation_id), "--engine", engine_name]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
        print("    " + line)
    raise RuntimeError(f"the baseline run failed:\n{done.stderr[-3000:]}")


def _database() -> tuple[str, Engine]:
    name = f"ykien_bench_an_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    return url, engine


def _drop(url: str) -> None:
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _copy_of(url: str) -> str:
    """A copy of the database (CREATE DATABASE ... TEMPLATE) for a run that must start fresh."""
    name = f"{url.rsplit('/', 1)[1]}_b"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"'))
    admin.dispose()
    return f"{url.rsplit('/', 1)[0]}/{name}"


def bench(count: int, engines: list[str], baseline: str | None) -> None:
    url, engine = _database()
    copies: list[str] = []
    try:
        started = time.perf_counter()
        consultation_id = load(engine, count)
        engine.dispose()
        print(f"analyse: {count:,} opinions loaded in {time.perf_counter() - started:.0f} s")
        if baseline:
            copies.append(_copy_of(url))
        fresh = {name: _copy_of(url) if i else url for i, name in enumerate(engines)}
        copies += [u for u in fresh.values() if u != url]
        results: dict[str, float] = {}
        for name, target in fresh.items():
            results[name] = _measure(target, consultation_id, name)
        if baseline:
            print(f"  baseline ({baseline}), engine local:")
            old = run_elsewhere(baseline, copies[0], consultation_id, "local")
            print(
                f"    whole job {old['seconds']:.1f} s, peak RSS {old['rss_mib']:.0f} MiB; "
                f"this code {results.get('local', float('nan')):.1f} s: "
                f"{old['seconds'] / results.get('local', float('nan')):.1f}x faster"
            )
    finally:
        for target in copies:
            _drop(target)
        _drop(url)


def _measure(url: str, consultation_id: int, engine_name: str) -> float:
    """The whole job then a re-run with nothing new, with memory; prints both; returns the first."""
    print(f"  engine {engine_name}:", flush=True)
    scheduler, cluster, client, memory = None, None, None, None
    if engine_name == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        scheduler = cluster.scheduler_address
        client = Client(cluster)
        memory = _WorkerMemory(client)
    try:
        first = time_job(url, consultation_id, engine_name, scheduler)
        print(f"    whole job {first:.1f} s ({consultation_count(url, consultation_id)})")
        again = time_job(url, consultation_id, engine_name, scheduler)
        print(f"    re-run with nothing new {again:.1f} s")
    finally:
        peaks = memory.stop() if memory else []
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    print(f"    peak RSS of this process {_peak_rss_mib():.0f} MiB", end="")
    print(f"; of each worker {', '.join(f'{p:.0f}' for p in peaks)} MiB" if peaks else "")
    return first


def consultation_count(url: str, consultation_id: int) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        rate = conn.execute(
            text("SELECT count(*) FROM opinion_analysis WHERE consultation_id = :c"),
            {"c": consultation_id},
        ).scalar_one()
    engine.dispose()
    return f"{rate:,} opinions analysed"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, nargs="+", default=[200_000])
    parser.add_argument("--engines", nargs="+", choices=["local", "dask"], default=["local"])
    parser.add_argument("--baseline", help="another checkout's src/ to time beside this code")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--consultation", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return
    for count in args.opinions:
        bench(count, args.engines, args.baseline)


if __name__ == "__main__":
    main()
