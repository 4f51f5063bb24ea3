import asyncio
import threading
import time
from concurrent.futures import Future

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.accounts.credentials import Credential, TokenInvalid
from ykien.accounts.models import Account
from ykien.audit import service as audit
from ykien.consultations.models import Consultation
from ykien.db.engine import make_engine, make_session_factory, unit_of_work
from ykien.errors import LoginRequired, NotFound, UserError
from ykien.opinions.intake import IntakeWriter, Overloaded, Receipt, receive, record_batch
from ykien.opinions.models import Opinion
from ykien.opinions.service import Submission


def test_a_receipt_means_the_opinion_is_committed(fresh_engine: Engine) -> None:
    factory = make_session_factory(fresh_engine)
    with unit_of_work(factory) as session:
        world = build_world(session)
    fields = {
        "consultation_id": world.consultation.id,
        "text": "Ý kiến đã được ghi nhận",
        "author_person_id": world.member_a,
        "idempotency_key": "retry-1",
        "now": NOW,
    }
    receipt = receive(factory, **fields)
    assert receipt.created
    # a separate engine (another process would do the same) sees it at once
    other = make_engine(fresh_engine.url.render_as_string(hide_password=False))
    with other.connect() as conn:
        stored = conn.execute(select(Opinion.receipt_code).where(Opinion.id == receipt.opinion_id))
        assert stored.scalar_one() == receipt.receipt_code
    retry = receive(factory, **fields)
    assert (retry.opinion_id, retry.created) == (receipt.opinion_id, False)
    with other.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Opinion)).scalar_one() == 1
    other.dispose()


def _writer_world(fresh_engine: Engine) -> tuple[sessionmaker[Session], World, str]:
    factory = make_session_factory(fresh_engine)
    with unit_of_work(factory) as session:
        world = build_world(session, allow_anonymous=True, opens_now=True)
        account = accounts.create_account(
            session=session, person_id=world.member_a, username="dangvien", password="x" * 12
        )
        token = tokens.issue(session=session, account_id=account.id, name="thử").token
    return factory, world, token


def test_concurrent_submissions_are_committed_together_and_each_answered(
    fresh_engine: Engine,
) -> None:
    factory, world, token = _writer_world(fresh_engine)
    cid = world.consultation.id
    writer = IntakeWriter(factory, max_batch=8)
    member = Credential(token=token)

    async def submit_all() -> list[Receipt | BaseException]:
        submissions = [
            writer.submit(Submission(cid, f"Ý kiến số {i}", idempotency_key=f"k{i}"), member)
            for i in range(30)
        ]
        submissions += [
            writer.submit(Submission(cid, "Ẩn danh", anonymous=True), Credential()),
            writer.submit(Submission(cid, "Không đăng nhập"), Credential()),
            writer.submit(Submission(cid, "Mã sai"), Credential(token="yk_sai")),
            writer.submit(Submission(cid, "   "), member),
            writer.submit(Submission(cid, "Ý kiến số 3", idempotency_key="k3"), member),
        ]
        return await asyncio.gather(*submissions, return_exceptions=True)

    try:
        outcomes = asyncio.run(submit_all())
    finally:
        writer.close()
    receipts = outcomes[:30]
    assert all(isinstance(r, Receipt) and r.created for r in receipts)
    ids = {r.opinion_id for r in receipts if isinstance(r, Receipt)}
    assert len(ids) == 30
    anonymous, nobody, bad_token, empty, retry = outcomes[30:]
    assert isinstance(anonymous, Receipt) and anonymous.created
    assert isinstance(nobody, LoginRequired)
    assert isinstance(bad_token, TokenInvalid) and bad_token.status_code == 401
    assert isinstance(empty, UserError) and empty.code == "opinion_empty"
    assert isinstance(retry, Receipt) and not retry.created
    assert isinstance(receipts[3], Receipt) and retry.opinion_id == receipts[3].opinion_id
    with factory() as session:  # committed: a new session sees every acknowledged opinion
        stored = session.execute(
            select(Opinion.id, Opinion.author_person_id).where(Opinion.id.in_(ids))
        ).all()
        assert len(stored) == 30 and {person for _id, person in stored} == {world.member_a}
        assert audit.verify(session=session).ok


def test_a_draft_consultation_does_not_exist_for_submitters(fresh_engine: Engine) -> None:
    factory, world, token = _writer_world(fresh_engine)
    with unit_of_work(factory) as session:
        hidden = session.get(Consultation, world.consultation.id)
        assert hidden is not None
        hidden.status = "draft"
    writer = IntakeWriter(factory)
    try:
        with pytest.raises(NotFound):
            asyncio.run(
                writer.submit(Submission(world.consultation.id, "Ý kiến"), Credential(token=token))
            )
    finally:
        writer.close()


def test_an_inactive_account_cannot_submit(fresh_engine: Engine) -> None:
    factory, world, token = _writer_world(fresh_engine)
    with unit_of_work(factory) as session:
        session.execute(update(Account).values(is_active=False))
    with factory() as session:
        outcome = record_batch(
            session, [(Submission(world.consultation.id, "Ý kiến"), Credential(token=token))]
        )
    assert isinstance(outcome[0], LoginRequired)


def test_a_cancelled_request_is_left_out_and_the_writer_goes_on(fresh_engine: Engine) -> None:
    factory, world, token = _writer_world(fresh_engine)
    cid = world.consultation.id
    writer = IntakeWriter(factory)
    gone: Future[Receipt] = Future()
    gone.cancel()  # its client went away before the writer took it
    far = time.monotonic() + 60
    writer._queue.put((Submission(cid, "Người gửi đã đi"), Credential(token=token), gone, far))
    try:
        receipt = asyncio.run(writer.submit(Submission(cid, "Ý kiến sau"), Credential(token=token)))
    finally:
        writer.close()
    assert receipt.created
    with factory() as session:
        texts = session.execute(select(Opinion.text).where(Opinion.consultation_id == cid))
        assert list(texts.scalars()) == ["Ý kiến sau"]


def test_a_submission_past_its_budget_is_refused_not_stored(fresh_engine: Engine) -> None:
    """A request that waited longer than the budget (its client gave up) stores nothing."""
    factory, world, token = _writer_world(fresh_engine)
    cid = world.consultation.id
    writer = IntakeWriter(factory, budget=0.5)
    late: Future[Receipt] = Future()
    past = time.monotonic() - 1
    writer._queue.put((Submission(cid, "Chờ quá lâu"), Credential(token=token), late, past))
    try:
        receipt = asyncio.run(writer.submit(Submission(cid, "Kịp lúc"), Credential(token=token)))
    finally:
        writer.close()
    assert receipt.created
    assert isinstance(late.exception(timeout=5), Overloaded)
    assert writer.refused == 1
    with factory() as session:
        texts = session.execute(select(Opinion.text).where(Opinion.consultation_id == cid))
        assert list(texts.scalars()) == ["Kịp lúc"]


def test_a_full_queue_refuses_at_once(fresh_engine: Engine) -> None:
    factory, world, token = _writer_world(fresh_engine)
    writer = IntakeWriter(factory, max_queue=0)
    try:
        with pytest.raises(Overloaded):
            asyncio.run(
                writer.submit(Submission(world.consultation.id, "x"), Credential(token=token))
            )
    finally:
        writer.close()
    with factory() as session:
        assert session.execute(select(Opinion.id)).first() is None


def test_a_standing_queue_refuses_at_once_until_the_writer_catches_up(
    fresh_engine: Engine,
) -> None:
    """Every submission taken in the last interval had waited past the target: new ones are
    refused before any work, and stored again once the writer finds the queue empty."""
    factory, world, token = _writer_world(fresh_engine)
    cid = world.consultation.id
    writer = IntakeWriter(factory, budget=2.0)
    writer._note_delay(writer.target * 2, time.monotonic())
    assert writer.standing_delay > writer.target
    try:
        with pytest.raises(Overloaded):
            asyncio.run(writer.submit(Submission(cid, "Hàng đợi đứng"), Credential(token=token)))
        taken: list[object] = []
        thread = threading.Thread(target=lambda: taken.append(writer._take()))
        thread.start()  # finds the queue empty: no standing queue any more
        fresh: Future[Receipt] = Future()
        time.sleep(0.05)
        arrived = time.monotonic()
        writer._queue.put((Submission(cid, "x"), Credential(token=token), fresh, arrived + 2.0))
        thread.join(timeout=5)
        assert taken and writer.standing_delay <= writer.target
        receipt = asyncio.run(writer.submit(Submission(cid, "Đã thông"), Credential(token=token)))
    finally:
        writer.close()
    assert receipt.created
    assert writer.refused == 1
    with factory() as session:
        texts = session.execute(select(Opinion.text).where(Opinion.consultation_id == cid))
        assert list(texts.scalars()) == ["Đã thông"]
