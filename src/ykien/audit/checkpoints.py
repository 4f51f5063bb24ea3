"""Signed checkpoints of the audit chains, kept outside the database they protect.

A checkpoint records every chain's last seq and hash at one moment, signed with HMAC-SHA256
under a key from settings (never stored in the database). Checkpoints are appended as JSON
lines to a file in the data folder; each line also carries the signature of the line before
it, so a line cannot be removed from the middle or edited without the signatures failing.

What this adds to the hash chains: whoever can write the database can delete the tail of a
chain (or a whole chain, or everything) and rewrite `audit_head` to match, and the chains
alone would still look intact. A checkpoint remembers how far every chain reached: verify
then requires each chain to still hold the checkpointed event with the checkpointed hash.

What it does not protect against: changes after the latest checkpoint that the data
comparison (opinions against their events) cannot see; an attacker who holds the key, or who
can also rewrite or truncate the checkpoint file itself (keep it on append-only storage, e.g.
`chattr +a`, or copy the lines to another machine).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.audit.models import AuditHead

VERSION = 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """How far each chain reached at `at`: chain -> (seq, hash of the event at that seq)."""

    at: datetime
    chains: dict[int, tuple[int, str]]

    def body(self) -> dict[str, object]:
        return {
            "v": VERSION,
            "at": self.at.isoformat(timespec="microseconds"),
            "chains": {str(c): [seq, digest] for c, (seq, digest) in sorted(self.chains.items())},
        }


class CheckpointInvalid(Exception):
    """The checkpoint file was altered: a bad signature, a broken link or a bad line."""


def take(*, session: Session, now: datetime | None = None) -> Checkpoint:
    """The current heads of every chain (committed state)."""
    heads = session.execute(select(AuditHead.id, AuditHead.seq, AuditHead.hash)).all()
    return Checkpoint(now or datetime.now(UTC), {c: (seq, digest) for c, seq, digest in heads})


def _canonical(body: dict[str, object]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


class CheckpointFile:
    """An append-only file of signed checkpoints (one JSON object a line)."""

    def __init__(self, path: Path, key: bytes) -> None:
        if not key:
            raise ValueError("a checkpoint key is needed")
        self.path = path
        self.key = key

    def _mac(self, body: dict[str, object], prev: str) -> str:
        message = _canonical({"body": body, "prev": prev})
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def append(self, checkpoint: Checkpoint) -> None:
        """Add a checkpoint, linked to the last one; several processes may append at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                prev = ""
                for line in handle:
                    if line.strip():
                        prev = json.loads(line).get("mac", "")
                body = checkpoint.body()
                record = {"body": body, "prev": prev, "mac": self._mac(body, prev)}
                handle.seek(0, os.SEEK_END)
                handle.write(json.dumps(record, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def latest(self) -> Checkpoint | None:
        """The last checkpoint, after checking every line's signature and link; None when
        there is none yet. Raises CheckpointInvalid when the file was tampered with."""
        if not self.path.exists():
            return None
        prev, last = "", None
        reached: dict[int, int] = {}
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                last = self._checked_line(number, line, prev)
                prev = json.loads(line)["mac"]
                for chain, (seq, _digest) in last.chains.items():
                    if seq < reached.get(chain, 0):
                        raise CheckpointInvalid(f"line {number}: chain {chain} went backwards")
                    reached[chain] = seq
        return last

    def _checked_line(self, number: int, line: str, prev: str) -> Checkpoint:
        try:
            record = json.loads(line)
            body, mac = record["body"], record["mac"]
            if record.get("prev") != prev:
                raise CheckpointInvalid(f"line {number}: not linked to the line before it")
            if not hmac.compare_digest(self._mac(body, prev), str(mac)):
                raise CheckpointInvalid(f"line {number}: the signature does not match")
            chains = {int(c): (int(s), str(h)) for c, (s, h) in body["chains"].items()}
            return Checkpoint(datetime.fromisoformat(body["at"]), chains)
        except CheckpointInvalid:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointInvalid(f"line {number}: not a checkpoint ({exc})") from exc

    def age_seconds(self, now: datetime | None = None) -> float | None:
        """Seconds since the last checkpoint (unchecked read), None if there is none."""
        try:
            with self.path.open(encoding="utf-8") as handle:
                lines = [line for line in handle if line.strip()]
            at = datetime.fromisoformat(json.loads(lines[-1])["body"]["at"])
        except (OSError, IndexError, ValueError, KeyError):
            return None
        return ((now or datetime.now(UTC)) - at).total_seconds()


def write(*, session: Session, store: CheckpointFile) -> Checkpoint:
    """Take a checkpoint of the committed heads and append it to the file."""
    checkpoint = take(session=session)
    store.append(checkpoint)
    return checkpoint
