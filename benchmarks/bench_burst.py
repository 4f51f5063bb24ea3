"""Submission bursts on PostgreSQL: admission control against plain queueing.

First measures the sustainable rate (a steady load over few connections, no queue), then
serves the real app (`ykien serve --workers 2`, gunicorn) twice in the same run: with admission
control as configured, and with its bounds lifted (what main did before: every request queues).
Each time wrk (loopback only, bounded) sends N submissions over C connections, first with
clients that wait as long as it takes, then with clients that give up after 3 s (`--timeout`).
Printed per run: acknowledged goodput (201/200 per second), the refused (503/429, with and
without Retry-After), timeouts, p50/p99 latency, the rows check (acknowledged but missing,
stored twice, stored although never acknowledged), the workers' peak memory and the goodput
as a share of the sustainable rate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.bench_web import build, pg_database, server
from ykien.db.engine import make_engine
from ykien.opinions.models import Opinion

WRK_SCRIPT = textwrap.dedent(
    """
    local counter = 0
    local thread_id = 0
    local threads = {}
    local limit = tonumber(os.getenv("WRK_LIMIT"))
    function setup(thread)
      thread:set("tid", thread_id)
      thread_id = thread_id + 1
      table.insert(threads, thread)
    end
    function init(args)
      ok = 0; refused = 0; with_retry = 0; other = 0; sent = 0
    end
    function request()
      counter = counter + 1
      sent = sent + 1
      local key = os.getenv("WRK_PREFIX") .. tid .. "-" .. counter
      wrk.headers["Idempotency-Key"] = key
      return wrk.format("POST", nil, nil, string.format(wrk.body, key))
    end
    function response(status, headers, body)
      if status == 201 or status == 200 then ok = ok + 1
      elseif status == 503 or status == 429 then
        refused = refused + 1
        if headers["Retry-After"] or headers["retry-after"] then with_retry = with_retry + 1 end
      else other = other + 1 end
      if sent >= limit then wrk.thread:stop() end
    end
    function done(summary, latency, requests)
      local out = io.open(os.getenv("WRK_OUT"), "w")
      local t = {ok = 0, refused = 0, with_retry = 0, other = 0}
      for _, thread in ipairs(threads) do
        for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
      end
      for k, v in pairs(t) do out:write(string.format("%s=%d\\n", k, v)) end
      out:write(string.format("timeouts=%d\\n", summary.errors.timeout))
      out:write(string.format("connect_errors=%d\\n", summary.errors.connect))
      out:write(string.format("read_errors=%d\\n", summary.errors.read))
      out:write(string.format("p50_ms=%f\\n", latency:percentile(50) / 1000))
      out:write(string.format("p99_ms=%f\\n", latency:percentile(99) / 1000))
      out:write(string.format("seconds=%f\\n", summary.duration / 1e6))
      out:close()
    end
    """
)


def burst(
    base: str, cid: int, token: str, folder: Path, *, total: int, connections: int,
    give_up: float | None, prefix: str,
) -> dict[str, float]:  # fmt: skip
    """wrk with `connections` connections until `total` submissions were sent."""
    script = folder / "burst.lua"
    body = json.dumps({"text": "Ý kiến dồn dập số %s về dự thảo.", "kind": "comment"})
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
        f'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n' + WRK_SCRIPT,
        encoding="utf-8",
    )
    out = folder / "burst.out"
    threads = 2
    timeout = f"{int(give_up)}s" if give_up else "60s"
    env = {
        **os.environ,
        "WRK_OUT": str(out),
        "WRK_LIMIT": str(total // threads),
        "WRK_PREFIX": prefix,
    }
    subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", "-d120s", "--timeout", timeout,
         "-s", str(script), f"{base}/api/v1/consultations/{cid}/opinions"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return {k: float(v) for k, v in (line.split("=", 1) for line in out.read_text().split())}


def stored(url: str, prefix: str) -> tuple[int, int]:
    """(distinct keys stored, keys stored twice) for submissions with `prefix`."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(Opinion.idempotency_key, func.count())
            .where(Opinion.idempotency_key.startswith(prefix))
            .group_by(Opinion.idempotency_key)
        ).all()
    engine.dispose()
    return len(rows), sum(1 for _k, count in rows if count > 1)


def peak_memory_mb(parent: int) -> float:
    """The largest peak RSS among the server's worker processes."""
    peak = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(parent):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]) / 1024)
    return peak


SUSTAINED_TOTAL = 6_000
SUSTAINED_CONNECTIONS = 32


def run(total: int, connections: int, opinions: int) -> None:
    sustainable: float | None = None
    with tempfile.TemporaryDirectory() as folder_name, pg_database() as url:
        folder = Path(folder_name)
        data = build(url, folder, opinions)
        cid, token = int(data["consultation_id"]), str(data["token"])  # type: ignore[call-overload]
        print(f"burst: PostgreSQL, {total:,} submissions over {connections:,} connections")
        modes = {
            "admission control": {},
            "no bounds (before)": {"YKIEN_MAX_IN_FLIGHT": "100000",
                                   "YKIEN_INTAKE_MAX_QUEUE": "1000000",
                                   "YKIEN_INTAKE_BUDGET_SECONDS": "120"},
        }  # fmt: skip
        for mode, extra in modes.items():
            env = {
                "YKIEN_DATABASE_URL": url,
                "YKIEN_DATA_DIR": str(folder),
                # one token for every connection: the per-client rate would refuse nearly all
                "YKIEN_RATE_SUBMISSIONS_PER_MINUTE": "0",
                **extra,
            }
            pids: list[int] = []
            with server(["ykien.cli", "serve"], env, pids) as base:
                parent = pids[0]
                if sustainable is None:  # the rate the server keeps up without a queue
                    steady = burst(
                        base, cid, token, folder, total=SUSTAINED_TOTAL,
                        connections=SUSTAINED_CONNECTIONS, give_up=None,
                        prefix=f"steady-{time.time_ns()}-",
                    )  # fmt: skip
                    sustainable = steady["ok"] / steady["seconds"]
                    print(
                        f"  sustainable rate: {sustainable:,.0f} acknowledged/s "
                        f"({SUSTAINED_TOTAL:,} submissions, {SUSTAINED_CONNECTIONS} connections)"
                    )
                for give_up in (None, 3.0):
                    prefix = f"burst-{len(mode)}-{give_up}-{time.time_ns()}-"
                    result = burst(
                        base, cid, token, folder, total=total, connections=connections,
                        give_up=give_up, prefix=prefix,
                    )  # fmt: skip
                    _report(mode, give_up, result, *stored(url, prefix), peak_memory_mb(parent))
                    assert sustainable is not None
                    goodput = result["ok"] / result["seconds"]
                    print(f"    goodput / sustainable rate: {goodput / sustainable:.2f}")


def _report(
    mode: str, give_up: float | None, r: dict[str, float], kept: int, twice: int, memory: float
) -> None:
    acked = int(r["ok"])
    lost = max(0, acked - kept)
    unacked_stored = max(0, kept - acked)
    clients = "give up after 3 s" if give_up else "wait"
    print(
        f"  {mode:<20} clients {clients:<17} goodput {acked / r['seconds']:7,.0f}/s "
        f"acked {acked:6,}  refused {int(r['refused']):6,} ({int(r['with_retry']):,} with "
        f"Retry-After)  timeouts {int(r['timeouts']):6,}  other {int(r['other'])}  "
        f"p50 {r['p50_ms']:6.0f} ms  p99 {r['p99_ms']:6.0f} ms | lost {lost}, twice {twice}, "
        f"stored unacknowledged {unacked_stored:,} | worker peak RSS {memory:.0f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=60_000)
    parser.add_argument("--connections", type=int, default=3_000)
    parser.add_argument("--opinions", type=int, default=10_000)
    args = parser.parse_args(argv)
    run(args.total, args.connections, args.opinions)


if __name__ == "__main__":
    main()
