"""What a secretary waits for at national scale: every staff page and its JSON twin, measured
through the database, for one consultation of N opinions on PostgreSQL.

1. Loads one consultation of N opinions (a draft of ~1,000 sections, a bloc with 40 units, authors
   named and anonymous; the opinions through the real bulk importer, which is COPY on PostgreSQL),
   then the analysis results directly in SQL (a finished run, 24 themes covering every opinion,
   200 campaigns over 2% of them, a kind proposal per opinion), two subcommittees over the table of
   contents, and the syntheses of every unit and of the bloc through the real roll-up.
2. Serves the app with the production settings (`ykien serve --workers 2`) and prints p50/p95 of
   every page and JSON twin of the issue-16 table, the moderation and subcommittee queues, the
   response report and the downloads; sequential requests from this process over loopback.
3. With several sizes (`--opinions 200000 1000000`), prints the growth factor of each p95 per 5x
   of data (the ratio of the p95s scaled to a 5x step), so the curve is read off one run.
4. With `--analyse`, times the whole `ykien analyse` job (local engine, and `--engine dask`).

`python -m benchmarks.bench_scale --opinions 200000` (about 6 min here at 200,000).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from benchmarks.bench_web import _law, latency, pg_database, server
from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.consultations import service as consultations
from ykien.db import migrate
from ykien.db.base import utcnow
from ykien.db.engine import make_engine
from ykien.drafts import service as drafts
from ykien.opinions.importer import import_opinions
from ykien.orgs import service as orgs
from ykien.synthesis import service as synthesis

UNITS = 40
THEMES = 24
CAMPAIGNS = 200
RARE_NAME = "Nguyễn Doãn Hoàn"
VOCABULARY = """
đề nghị bổ sung làm rõ quy định trách nhiệm của cơ quan tổ chức cá nhân trong việc lấy ý kiến
nhân dân về dự thảo văn kiện đại hội đảng bộ khối chuyển đổi số cải cách hành chính công tác cán
bộ trẻ phòng chống tham nhũng lãng phí nâng cao chất lượng sinh hoạt chi bộ đoàn thanh niên công
đoàn hội cựu chiến binh thành ủy đảng uỷ hoà bình phát triển bền vững kinh tế tư nhân đất đai nhà
ở xã hội giáo dục y tế môi trường biến đổi khí hậu an ninh quốc phòng đối ngoại hội nhập
"""
WORDS = VOCABULARY.split()
OPENINGS = [
    "Tôi đề nghị",
    "Đề nghị Ban soạn thảo",
    "Kiến nghị",
    "Tôi đồng ý với",
    "Cần xem xét lại",
]


@dataclass(frozen=True)
class Facts:
    """Ids of what the pages are about."""

    consultation_id: int
    section_id: int
    synthesis_id: int
    unit_synthesis_id: int
    theme_id: int
    campaign_id: int
    subcommittee_id: int
    token: str


def _opinion_csv(path: Path, count: int, sections: int) -> None:
    """Generated opinions of 20-60 words, a section reference on 6 of 7, units and authors."""
    import csv
    import random

    rng = random.Random(16)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nội dung", "Điều khoản", "Đơn vị", "Người góp ý"])
        for i in range(count):
            body = " ".join(rng.choices(WORDS, k=rng.randrange(20, 60)))
            writer.writerow([
                f"{rng.choice(OPENINGS)} {body}.",
                f"Điều {rng.randrange(1, sections + 1)}" if i % 7 else "",
                f"Chi bộ số {rng.randrange(1, UNITS + 1)}",
                RARE_NAME if i % 20_000 == 0 else ("" if i % 5 == 0 else f"Trần Văn {i % 997}"),
            ])  # fmt: skip


def _world(session: Session) -> tuple[int, int, list[int], str]:
    """The bloc, its units, the draft and the open consultation; the secretary's token."""
    bloc = orgs.create(session=session, name="Đảng bộ Khối Cơ quan", kind="party_committee")
    units = [
        orgs.create(session=session, name=f"Chi bộ số {i}", kind="party_cell", parent_id=bloc.id)
        for i in range(1, UNITS + 1)
    ]
    draft = drafts.create_draft(session=session, title="Luật đo quy mô", kind="law")
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=_law(325).encode(), filename="luat.txt"
    )
    consultation = consultations.create(
        session=session,
        title="Đo quy mô quốc gia",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=utcnow() - timedelta(days=30),
        closes_at=utcnow() + timedelta(days=30),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    sections = drafts.sections_of(session=session, version_id=version.id)
    tops = [s.id for s in sections if s.parent_id is None]
    for name, part in (
        ("Tiểu ban 1", tops[: len(tops) // 2]),
        ("Tiểu ban 2", tops[len(tops) // 2 :]),
    ):
        chosen = {s.id for s in sections if s.id in part or s.parent_id in part}
        consultations.add_subcommittee(
            session=session,
            consultation_id=consultation.id,
            organisation_id=bloc.id,
            name=name,
            section_ids=sorted(chosen),
        )
    person = accounts.create_person(
        session=session, full_name="Thư ký đo quy mô", organisation_id=bloc.id
    )
    account = accounts.create_account(
        session=session, person_id=person.id, username="thuky-quymo", password="mat-khau-quy-mo"
    )
    for role in ("secretary", "subcommittee_member", "chair"):
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=bloc.id, role=role
        )
    token = tokens.issue(session=session, account_id=account.id, name="bench-scale").token
    section = next(s for s in sections if s.label == "Điều 17")
    return consultation.id, section.id, [bloc.id, *(u.id for u in units)], token


ANALYSIS_SQL = [
    """INSERT INTO analysis_runs (consultation_id, engine, status, stage, progress_done,
       progress_total, params_json, stats_json, created_at, started_at, finished_at)
       VALUES (:cid, 'local', 'done', 'themes', 1, 1, '{}', '{}', now(), now(), now())""",
    """INSERT INTO opinion_analysis (opinion_id, consultation_id, run_id, exact_key, signature,
       proposed_kind, kind_confidence, kind_status, flag_status)
       SELECT id, consultation_id, :run, decode(md5(text), 'hex'), '\\x00'::bytea,
              (ARRAY['comment','amend','add','delete','agree','disagree','recommendation',
                     'question'])[1 + id % 8], 0.8, 'proposed', 'proposed'
       FROM opinions WHERE consultation_id = :cid""",
    """INSERT INTO themes (consultation_id, run_id, label, edited, key_phrases_json,
       summary_json, quote_ids_json, cohesion, status, created_at, updated_at)
       SELECT :cid, :run, 'Chủ đề ' || n, false, '["chuyển đổi số", "cán bộ"]', '[]', '[]',
              0.4, 'active', now(), now() FROM generate_series(1, :themes) AS n""",
    """INSERT INTO theme_members (theme_id, opinion_id, pinned)
       SELECT t.first + o.id % :themes, o.id, false
       FROM opinions o, (SELECT min(id) AS first FROM themes WHERE run_id = :run) t
       WHERE o.consultation_id = :cid""",
    """INSERT INTO duplicate_groups (consultation_id, run_id, canonical_opinion_id, exact, size,
       status, variants_json)
       SELECT :cid, :run, min(id), false, count(*), 'proposed', '[]'
       FROM opinions WHERE consultation_id = :cid AND id % 50 = 0
       GROUP BY (id / 50) % :campaigns""",
    """INSERT INTO duplicate_members (group_id, opinion_id, similarity, excluded)
       SELECT g.id, o.id, 0.9, false
       FROM opinions o
       JOIN (SELECT (id / 50) % :campaigns AS k, min(id) AS first FROM opinions
             WHERE consultation_id = :cid AND id % 50 = 0 GROUP BY 1) c
         ON c.k = (o.id / 50) % :campaigns
       JOIN duplicate_groups g ON g.run_id = :run AND g.canonical_opinion_id = c.first
       WHERE o.consultation_id = :cid AND o.id % 50 = 0""",
]


def _analysis(engine: Engine, consultation_id: int) -> None:
    """A finished analysis run's results, written in SQL (the job itself is timed apart)."""
    params = {"cid": consultation_id, "themes": THEMES, "campaigns": CAMPAIGNS}
    with engine.begin() as conn:
        conn.execute(text(ANALYSIS_SQL[0]), params)
        params["run"] = conn.execute(text("SELECT max(id) FROM analysis_runs")).scalar_one()
        for statement in ANALYSIS_SQL[1:]:
            conn.execute(text(statement), params)
    _refresh_tallies(engine, consultation_id)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _refresh_tallies(engine: Engine, consultation_id: int) -> None:
    """What the analysis job does last, where the code measured has tallies (not main's)."""
    try:
        from ykien.analysis import tallies  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    with Session(engine) as session:
        tallies.refresh_campaign_tallies(session=session, consultation_id=consultation_id)
        session.commit()


def _syntheses(
    engine: Engine, consultation_id: int, org_ids: list[int], summarise: bool
) -> tuple[int, int]:
    """Every unit's synthesis signed and submitted, then the bloc's (the real roll-up)."""
    bloc, *units = org_ids
    with Session(engine) as session:
        unit_synthesis = 0
        for unit in units:
            drafted = synthesis.draft_synthesis(
                session=session,
                consultation_id=consultation_id,
                organisation_id=unit,
                by=None,
                summarise=summarise,
            )
            synthesis.sign_off(session=session, synthesis_id=drafted.id, by=None)
            synthesis.submit(session=session, synthesis_id=drafted.id, by=None)
            unit_synthesis = unit_synthesis or drafted.id
        top = synthesis.draft_synthesis(
            session=session,
            consultation_id=consultation_id,
            organisation_id=bloc,
            by=None,
            summarise=summarise,
        )
        session.commit()
        return top.id, unit_synthesis


SQL_OPINIONS = """
INSERT INTO opinions (consultation_id, section_id, text, kind, channel, submitted_at, status,
    content_hash, receipt_code, author_name, on_behalf_of_id, search_fold, search_tone)
SELECT :cid, t.section_id, t.body, 'comment', 'import',
       now() - make_interval(secs => g % 2592000), 'received', md5(t.body),
       'Q' || lpad(g::text, 12, '0'),
       CASE WHEN g % 20000 = 0 THEN CAST(:rare AS text) WHEN g % 5 = 0 THEN NULL
            ELSE 'Trần Văn ' || g % 997 END,
       a.units[1 + g % cardinality(a.units)], lower(t.body), lower(t.body)
FROM (SELECT CAST(:units AS int[]) AS units, CAST(:sections AS int[]) AS sections,
             CAST(:openings AS text[]) AS openings, CAST(:words AS text[]) AS words) a,
     generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g,
LATERAL (SELECT
    CASE WHEN g % 7 = 0 THEN NULL
         ELSE a.sections[1 + (g * 7919) % cardinality(a.sections)] END AS section_id,
    a.openings[1 + g % cardinality(a.openings)] || ' ' || array_to_string(ARRAY(
        SELECT a.words[1 + (g * 31 + j * 17) % cardinality(a.words)]
        FROM generate_series(1, 20 + g % 40) AS j), ' ') || '.' AS body) t
"""


def _sql_opinions(engine: Engine, consultation_id: int, count: int, org_ids: list[int]) -> None:
    """`count` opinions written by SQL in the database (a stand-in for the importer at 1 M+:
    search keys lower-cased, not diacritic-folded), 200,000 per transaction."""
    with engine.connect() as conn:
        sections = (
            conn.execute(
                text(
                    "SELECT s.id FROM sections s JOIN consultations c "
                    "ON c.draft_version_id = s.version_id "
                    "WHERE c.id = :cid AND s.label LIKE 'Điều %'"
                ),
                {"cid": consultation_id},
            )
            .scalars()
            .all()
        )
    for first in range(1, count + 1, 200_000):
        with engine.begin() as conn:
            conn.execute(
                text(SQL_OPINIONS),
                {
                    "cid": consultation_id,
                    "rare": RARE_NAME,
                    "units": org_ids[1:],
                    "sections": list(sections),
                    "openings": OPENINGS,
                    "words": WORDS,
                    "first": first,
                    "last": min(count, first + 199_999),
                },
            )


def load(
    url: str, folder: Path, count: int, summarise: bool, sql_load: bool = False,
    with_syntheses: bool = True,
) -> Facts:  # fmt: skip
    """The consultation of `count` opinions with its analysis, subcommittees and syntheses."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    with Session(engine) as session:
        consultation_id, section_id, org_ids, token = _world(session)
        session.commit()
        if not sql_load:
            source = folder / "opinions.csv"
            _opinion_csv(source, count, 325)
            import_opinions(session=session, consultation_id=consultation_id, source=source)
            session.commit()
            source.unlink()
    if sql_load:
        _sql_opinions(engine, consultation_id, count, org_ids)
    imported = time.perf_counter() - started
    _analysis(engine, consultation_id)
    analysed = time.perf_counter() - started - imported
    synthesis_id, unit_synthesis_id = 0, 0
    if with_syntheses:
        synthesis_id, unit_synthesis_id = _syntheses(engine, consultation_id, org_ids, summarise)
    synthesised = time.perf_counter() - started - imported - analysed
    with engine.connect() as conn:
        theme, campaign, subcommittee = (
            conn.execute(text(sql), {"cid": consultation_id}).scalar_one()
            for sql in (
                "SELECT min(id) FROM themes WHERE consultation_id = :cid",
                "SELECT min(id) FROM duplicate_groups WHERE consultation_id = :cid",
                "SELECT min(id) FROM subcommittees WHERE consultation_id = :cid",
            )
        )
    engine.dispose()
    print(
        f"  loaded {count:,} opinions in {time.perf_counter() - started:.0f} s "
        f"(import {imported:.0f} s, {count / imported:,.0f} rows/s; "
        f"analysis rows {analysed:.0f} s; "
        f"{UNITS} unit syntheses submitted and the bloc's rolled up {synthesised:.0f} s"
        f"{', summarised' if summarise else ', no summaries'})"
    )
    return Facts(
        consultation_id,
        section_id,
        synthesis_id,
        unit_synthesis_id,
        theme,
        campaign,
        subcommittee,
        token,
    )


def pages(facts: Facts, last_page: int) -> list[tuple[str, str]]:
    """(name, path) of every page and JSON twin measured."""
    c, api = facts.consultation_id, f"/api/v1/consultations/{facts.consultation_id}"
    rare = RARE_NAME.replace(" ", "+")
    plain = "nguyen+doan+hoan"
    return [
        ("draft reader", f"/c/{c}"),
        ("opinion list, first page", f"/c/{c}/opinions"),
        ("opinion list, first page (JSON)", f"{api}/opinions"),
        ("opinion list, last page", f"/c/{c}/opinions?page={last_page}"),
        ("opinion list, section filter", f"/c/{c}/opinions?section={facts.section_id}"),
        ("search rare name", f"/c/{c}/opinions?q={rare}"),
        ("search rare name, no diacritics", f"/c/{c}/opinions?q={plain}"),
        ("search common word", f"/c/{c}/opinions?q=chuyen+doi+so"),
        ("dashboard", f"/c/{c}/dashboard"),
        ("dashboard (JSON)", f"{api}/dashboard"),
        ("analysis overview", f"/c/{c}/analysis"),
        ("analysis overview (JSON)", f"{api}/analysis"),
        ("campaigns list", f"/c/{c}/analysis/campaigns"),
        ("campaigns list (JSON)", f"{api}/analysis/campaigns"),
        ("one campaign", f"/analysis/campaigns/{facts.campaign_id}"),
        ("themes list", f"/c/{c}/analysis/themes"),
        ("themes list (JSON)", f"{api}/analysis/themes"),
        ("one theme", f"/analysis/themes/{facts.theme_id}"),
        ("moderation queue", f"/c/{c}/moderation"),
        ("moderation queue (JSON)", f"{api}/moderation"),
        ("syntheses list", f"/c/{c}/syntheses"),
        ("syntheses list (JSON)", f"{api}/syntheses"),
        ("one synthesis (bloc)", f"/syntheses/{facts.synthesis_id}"),
        ("one synthesis (bloc, JSON)", f"/api/v1/syntheses/{facts.synthesis_id}"),
        ("one synthesis (unit)", f"/syntheses/{facts.unit_synthesis_id}"),
        ("subcommittee queue", f"/subcommittees/{facts.subcommittee_id}"),
        ("subcommittee queue (JSON)", f"/api/v1/subcommittees/{facts.subcommittee_id}/queue"),
        ("response report", f"/c/{c}/responses"),
        ("response report (JSON)", f"{api}/responses"),
        ("response report XLSX", f"/c/{c}/responses/report.xlsx"),
        ("synthesis DOCX (bloc)", f"/syntheses/{facts.synthesis_id}/report.docx"),
    ]


def measure(
    base: str, facts: Facts, samples: int, budget: float
) -> dict[str, tuple[float, float, int]]:
    """name -> (p50 ms, p95 ms, bytes); each page gets `samples` requests or `budget` seconds."""
    headers = {"Authorization": f"Bearer {facts.token}"}
    results: dict[str, tuple[float, float, int]] = {}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        first = client.get(f"/api/v1/consultations/{facts.consultation_id}/opinions")
        first.raise_for_status()
        last_page = int(first.json().get("pages", 1))
        for name, path in pages(facts, last_page):
            if "synthesis" in name and not facts.synthesis_id:
                continue
            started = time.perf_counter()
            size = len(client.get(path).content)
            one = time.perf_counter() - started
            count = max(5, min(samples, int(budget / max(one, 1e-3))))
            p50, p95 = latency(client, path, count)
            results[name] = (p50, p95, size)
            print(f"    {name:<36} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   {size / 1000:8.0f} KB")
    return results


def analyse(url: str, folder: Path, consultation_id: int, engine_name: str) -> float:
    """Seconds of the whole `ykien analyse` job (a new run over every opinion)."""
    env = {"YKIEN_DATABASE_URL": url, "YKIEN_DATA_DIR": str(folder)}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ykien.cli",
            "analyse",
            str(consultation_id),
            "--engine",
            engine_name,
        ],
        check=True,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def growth(sizes: list[int], runs: list[dict[str, tuple[float, float, int]]]) -> None:
    """The p95 growth factor per 5x of data between consecutive sizes."""
    for (small, a), (big, b) in itertools.pairwise(zip(sizes, runs, strict=True)):
        steps = math.log(big / small, 5)
        print(f"  growth of p95 per 5x data, {small:,} -> {big:,} (target ≤ 1.5x):")
        for name in a:
            factor = (b[name][1] / a[name][1]) ** (1 / steps) if a[name][1] > 0 else float("nan")
            print(f"    {name:<36} {factor:5.2f}x")


def compare(
    sizes: list[int], runs: list[dict[str, tuple[float, float, int]]], baseline: Path
) -> None:
    """Each page's p95 and size beside the same size's run saved with --save (main's code)."""
    before = json.loads(baseline.read_text(encoding="utf-8"))
    for count, after in zip(sizes, runs, strict=True):
        earlier = before.get(str(count))
        if not earlier:
            continue
        print(f"  {count:,} opinions: p95 before -> after (size before -> after), {baseline.name}")
        for name, (_, p95, size) in after.items():
            if name in earlier:
                _, old95, old_size = earlier[name]
                # in units of the same run's draft reader: the machine's load cancels out
                old_reader, reader = earlier["draft reader"][1], after["draft reader"][1]
                print(
                    f"    {name:<36} {old95:8.1f} -> {p95:8.1f} ms  ({old95 / p95:6.1f}x; "
                    f"readers {old95 / old_reader:6.2f} -> {p95 / reader:5.2f})   "
                    f"{old_size / 1000:8.0f} -> {size / 1000:6.0f} KB"
                )


def run(
    sizes: list[int],
    samples: int,
    budget: float,
    with_analysis: bool,
    summarise: bool,
    save: Path | None = None,
    baseline: Path | None = None,
    sql_load: bool = False,
    with_syntheses: bool = True,
) -> None:
    runs = []
    for count in sizes:
        print(
            f"scale: one consultation of {count:,} opinions on PostgreSQL, ykien serve --workers 2"
        )
        with tempfile.TemporaryDirectory() as folder_name, pg_database() as url:
            folder = Path(folder_name)
            facts = load(url, folder, count, summarise, sql_load, with_syntheses)
            env = {
                "YKIEN_DATABASE_URL": url,
                "YKIEN_DATA_DIR": str(folder),
                "YKIEN_ENVIRONMENT": "production",
                "YKIEN_SECRET_KEY": secrets.token_urlsafe(48),
            }
            with server(["ykien.cli", "serve"], env) as base:
                runs.append(measure(base, facts, samples, budget))
            if with_analysis:
                for engine_name in ("local", "dask"):
                    seconds = analyse(url, folder, facts.consultation_id, engine_name)
                    print(f"    ykien analyse --engine {engine_name:<5} {seconds:8.0f} s")
    growth(sizes, runs)
    if save is not None:
        saved = json.loads(save.read_text(encoding="utf-8")) if save.exists() else {}
        saved |= {str(count): found for count, found in zip(sizes, runs, strict=True)}
        save.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    if baseline is not None:
        compare(sizes, runs, baseline)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, nargs="+", default=[200_000])
    parser.add_argument("--samples", type=int, default=40, help="requests per page at most")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--analyse", action="store_true", help="also time the analysis job")
    parser.add_argument(
        "--summarise", action="store_true", help="draft the syntheses with their summaries"
    )
    parser.add_argument("--save", type=Path, help="keep the figures in this JSON file")
    parser.add_argument(
        "--sql-load", action="store_true", help="write the opinions in SQL, not the importer"
    )
    parser.add_argument(
        "--no-syntheses", action="store_true", help="no syntheses (their drafting is O(N))"
    )
    parser.add_argument(
        "--baseline", type=Path, help="print each p95 beside a run saved with --save"
    )
    args = parser.parse_args(argv)
    run(
        sorted(args.opinions),
        args.samples,
        args.budget,
        args.analyse,
        args.summarise,
        args.save,
        args.baseline,
        args.sql_load,
        not args.no_syntheses,
    )


if __name__ == "__main__":
    main()
