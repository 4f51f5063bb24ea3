"""The durable boundary for one submission: committed before it is acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ykien.db.engine import unit_of_work
from ykien.opinions import service


@dataclass(frozen=True, slots=True)
class Receipt:
    opinion_id: int
    receipt_code: str
    status: str
    created: bool


def receive(session_factory: sessionmaker[Session], **fields: Any) -> Receipt:
    """Submit and commit; the receipt is only returned once the opinion is on disk."""
    with unit_of_work(session_factory) as session:
        result = service.submit(session=session, **fields)
        opinion = result.opinion
        receipt = Receipt(opinion.id, opinion.receipt_code, opinion.status, result.created)
    return receipt
