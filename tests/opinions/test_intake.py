from sqlalchemy import Engine, func, select

from tests.factories import NOW, build_world
from ykien.db.engine import make_engine, make_session_factory, unit_of_work
from ykien.opinions.intake import receive
from ykien.opinions.models import Opinion


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
