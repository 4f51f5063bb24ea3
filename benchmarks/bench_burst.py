"""Submission bursts on PostgreSQL: admission control against plain queueing.

First measures the sustainable rate (the best of a few steady loads that nothing refuses and
whose p99 stays within the intake's 2 s budget), then serves the real app (`ykien serve
--workers 2`, gunicorn) twice in the same run: with admission control as configured, and with
its bounds lifted (what main did before: every request queues). Each time wrk (loopback only,
bounded) sends N submissions over C connections: clients that wait as long as it takes, clients
that give up after 3 s, both waiting Retry-After when refused and then sending again (nothing
was stored for the refused one); and, with admission control, clients that ignore Retry-After
and send again at once (then N counts what was sent, refusals included). Each burst is timed
from its first request to its last answer (wrk's own duration is its -d). Printed per run:
acknowledged goodput (for clients that give up: what was stored within 3 s of being sent, from
the send time carried in each Idempotency-Key) and its share of the sustainable rate, the
refused (503/429, with Retry-After), p50/p99, the rows check (acknowledged but missing, stored
twice, stored after the client left, stored but never answered) and the workers' peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.bench_web import build, pg_database, server
from ykien.db.engine import make_engine
from ykien.opinions.models import Opinion

WRK_SCRIPT = textwrap.dedent(
    """
    local ffi = require("ffi")
    ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } ykien_ts;
               int clock_gettime(int, ykien_ts *); ]]
    local ts = ffi.new("ykien_ts")
    local function clock(id)  -- seconds
      ffi.C.clock_gettime(id, ts)
      return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
    end
    local function now() return clock(1) end  -- CLOCK_MONOTONIC
    local counter = 0
    local thread_id = 0
    local threads = {}
    local limit = tonumber(os.getenv("WRK_LIMIT"))
    local honour_retry = os.getenv("WRK_HONOUR_RETRY") == "1"
    local retry_ms = 1000
    function setup(thread)
      thread:set("tid", thread_id)
      thread_id = thread_id + 1
      table.insert(threads, thread)
    end
    function init(args)
      ok = 0; refused = 0; with_retry = 0; other = 0; sent = 0; first = 0; last = 0
      finished = false; backoffs = 0
    end
    -- a refused client waits Retry-After before it sends again (nothing of its submission was
    -- stored, so its retry is a submission like any other): wrk asks for the delay right after
    -- the connection's answer; the count keeps the right number of waits should the event
    -- loop give one to a neighbour
    function delay()
      if backoffs > 0 then backoffs = backoffs - 1; return retry_ms end
      return 0
    end
    function request()
      counter = counter + 1
      sent = sent + 1
      if first == 0 then first = now() end
      -- the key carries the wall-clock time it was sent (CLOCK_REALTIME), so the rows
      -- check can tell what was stored within the client's patience and what after it
      local key = string.format("%s%d-%d-%.3f", os.getenv("WRK_PREFIX"), tid, counter, clock(0))
      wrk.headers["Idempotency-Key"] = key
      return wrk.format("POST", nil, nil, string.format(wrk.body, key))
    end
    function response(status, headers, body)
      if finished then return end
      last = now()
      if status == 201 or status == 200 then ok = ok + 1
      elseif status == 503 or status == 429 then
        refused = refused + 1
        local after = headers["Retry-After"] or headers["retry-after"]
        if after then with_retry = with_retry + 1 end
        if honour_retry then backoffs = backoffs + 1; retry_ms = 1000 * (tonumber(after) or 1) end
      else other = other + 1 end
      -- every submission is answered (acknowledged or refused for good) before the thread ends
      if (honour_retry and ok + other >= limit) or (not honour_retry and sent >= limit) then
        -- wrk's main thread sleeps for the whole -d: tell the benchmark this thread is done
        finished = true
        local mark = io.open(os.getenv("WRK_OUT") .. "." .. tid, "w")
        mark:close()
        wrk.thread:stop()
      end
    end
    function done(summary, latency, requests)
      local out = io.open(os.getenv("WRK_OUT"), "w")
      local t = {ok = 0, refused = 0, with_retry = 0, other = 0}
      local first_sent, last_answer = nil, 0
      for _, thread in ipairs(threads) do
        for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
        local f = thread:get("first")
        if f > 0 and (first_sent == nil or f < first_sent) then first_sent = f end
        last_answer = math.max(last_answer, thread:get("last"))
      end
      for k, v in pairs(t) do out:write(string.format("%s=%d\\n", k, v)) end
      out:write(string.format("timeouts=%d\\n", summary.errors.timeout))
      out:write(string.format("connect_errors=%d\\n", summary.errors.connect))
      out:write(string.format("read_errors=%d\\n", summary.errors.read))
      out:write(string.format("p50_ms=%f\\n", latency:percentile(50) / 1000))
      out:write(string.format("p99_ms=%f\\n", latency:percentile(99) / 1000))
      -- from the first request sent to the last answer received (not wrk's -d)
      out:write(string.format("seconds=%f\\n", math.max(last_answer - (first_sent or 0), 1e-3)))
      out:close()
    end
    """
)


def burst(
    base: str, cid: int, token: str, folder: Path, *, total: int, connections: int,
    give_up: float | None, prefix: str, honour_retry: bool = True,
) -> dict[str, float]:  # fmt: skip
    """wrk with `connections` connections until `total` submissions were answered (clients
    that honour Retry-After) or sent (clients that send again at once)."""
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
        "WRK_HONOUR_RETRY": "1" if honour_retry else "0",
    }
    marks = [Path(f"{out}.{tid}") for tid in range(threads)]
    for mark in marks:
        mark.unlink(missing_ok=True)
    wrk = subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{MAX_SECONDS}s", "--timeout", timeout,
         "-s", str(script), f"{base}/api/v1/consultations/{cid}/opinions"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    # wrk's main thread sleeps for the whole -d even when every thread has stopped: once each
    # thread has marked that it sent its share, SIGINT makes wrk report at once
    while wrk.poll() is None and not all(mark.exists() for mark in marks):
        time.sleep(0.1)
    if wrk.poll() is None:
        wrk.send_signal(signal.SIGINT)
    if wrk.wait(timeout=60) != 0:
        raise RuntimeError(f"wrk failed with status {wrk.returncode}")
    return {k: float(v) for k, v in (line.split("=", 1) for line in out.read_text().split())}


@dataclass(frozen=True)
class Rows:
    kept: int  # distinct keys stored
    twice: int  # keys stored more than once
    in_time: int  # stored within the client's patience of being sent (acknowledged in time)


def stored(url: str, prefix: str, give_up: float | None) -> Rows:
    """What the database holds for submissions with `prefix`; a row stored more than
    `give_up` seconds after its key's send time was answered to a client that had gone."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(Opinion.idempotency_key, func.count(), func.min(Opinion.submitted_at))
            .where(Opinion.idempotency_key.startswith(prefix))
            .group_by(Opinion.idempotency_key)
        ).all()
    engine.dispose()
    patience = give_up if give_up is not None else float("inf")
    waited = [
        at.replace(tzinfo=UTC).timestamp() - float(str(key).rsplit("-", 1)[1])
        for key, _count, at in rows
    ]
    in_time = len([seconds for seconds in waited if seconds <= patience])
    return Rows(len(rows), sum(1 for _k, count, _at in rows if count > 1), in_time)


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


MAX_SECONDS = 300  # the bound of one wrk run
STEADY_CONNECTIONS = (16, 64, 256)
BUDGET_MS = 2_000  # the intake's default latency budget (YKIEN_INTAKE_BUDGET_SECONDS)


def sustainable_rate(base: str, cid: int, token: str, folder: Path) -> float:
    """The highest rate the server acknowledges with nothing refused and p99 within the
    latency budget, over a few steady loads (the group-committing intake's throughput grows
    with concurrency, so one low-concurrency load would understate it)."""
    best = 0.0
    for connections in STEADY_CONNECTIONS:
        total = max(4_000, 20 * connections)
        steady = burst(
            base, cid, token, folder, total=total, connections=connections, give_up=None,
            prefix=f"steady-{connections}-{time.time_ns()}-",
        )  # fmt: skip
        rate = steady["ok"] / steady["seconds"]
        within = steady["refused"] == 0 and steady["p99_ms"] <= BUDGET_MS
        print(
            f"  steady load, {connections:>3} connections: {rate:6,.0f} acknowledged/s, "
            f"p99 {steady['p99_ms']:5.0f} ms, refused {int(steady['refused'])}"
            + ("" if within else " (over the budget: not counted)")
        )
        if within:
            best = max(best, rate)
    print(f"  sustainable rate: {best:,.0f} acknowledged/s")
    return best or float("nan")


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
                if sustainable is None:
                    sustainable = sustainable_rate(base, cid, token, folder)
                # (patience, honours Retry-After): without bounds nothing is refused, so the
                # clients that send again at once behave like the others there
                scenarios = [(None, True), (3.0, True)]
                if not extra:
                    scenarios.append((None, False))
                for give_up, honour in scenarios:
                    prefix = f"burst-{len(mode)}-{give_up}-{honour}-{time.time_ns()}-"
                    result = burst(
                        base, cid, token, folder, total=total, connections=connections,
                        give_up=give_up, prefix=prefix, honour_retry=honour,
                    )  # fmt: skip
                    rows = stored(url, prefix, give_up)
                    memory = peak_memory_mb(parent)
                    _report(mode, give_up, honour, result, rows, memory, sustainable)


def _report(
    mode: str, give_up: float | None, honour: bool, r: dict[str, float], rows: Rows,
    memory: float, sustainable: float,
) -> None:  # fmt: skip
    """One burst's line. Goodput counts what was acknowledged while its client still waited:
    for clients that give up, the rows stored within `give_up` of being sent (wrk's --timeout
    only counts late answers, its connections keep waiting)."""
    acked = int(r["ok"])
    lost = max(0, acked - rows.kept)
    in_time = rows.in_time if give_up else acked
    goodput = in_time / r["seconds"]
    clients = f"give up after {give_up:g} s" if give_up else "wait"
    if not honour:
        clients = "ignore Retry-After"
    print(
        f"  {mode:<20} clients {clients:<18} goodput {goodput:6,.0f}/s "
        f"({goodput / sustainable:.2f} of the sustainable rate)  acknowledged {acked:,}"
        + (f" ({rows.in_time:,} in time)" if give_up else "")
        + f"  refused {int(r['refused']):,} ({int(r['with_retry']):,} with Retry-After)  "
        f"other {int(r['other'])}  p50 {r['p50_ms']:.0f} ms  p99 {r['p99_ms']:.0f} ms  "
        f"{r['seconds']:.1f} s | lost {lost}, twice {rows.twice}, stored after the client left "
        f"{rows.kept - rows.in_time:,}, stored but never answered {max(0, rows.kept - acked):,} "
        f"| worker peak RSS {memory:.0f} MB"
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
