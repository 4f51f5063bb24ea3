"""Keyset pagination of the opinion list: cursors, both ends, ties, bad cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.db import keyset
from ykien.errors import UserError
from ykien.opinions import queries, search
from ykien.opinions import service as opinions
from ykien.opinions.search import OpinionPage

SIZE = 4


def _seed(session: Session, world: World, count: int) -> list[int]:
    """`count` opinions, newest last; every third pair shares its time (ties broken by id)."""
    ids = []
    for number in range(count):
        moment = NOW - timedelta(minutes=count - number - (number % 3 == 1))
        ids.append(
            opinions.submit(
                session=session,
                consultation_id=world.consultation.id,
                text=f"Ý kiến số {number:02d} về chuyển đổi số.",
                author_person_id=world.member_a,
                now=moment,
            ).opinion.id
        )
    return ids


def _page(session: Session, world: World, **how: object) -> OpinionPage:
    q = how.pop("q", None)
    return search.list_opinions(
        session=session,
        consultation=world.consultation,
        viewer=None,
        filters=search.parse_filters(q=q),  # type: ignore[arg-type]
        page_size=SIZE,
        **how,  # type: ignore[arg-type]
    )


def _ids(page: OpinionPage) -> list[int]:
    return [item.id for item in page.items]


def _newest_first(session: Session, world: World) -> list[int]:
    whole = search.list_opinions(
        session=session,
        consultation=world.consultation,
        viewer=None,
        filters=search.parse_filters(),
        page_size=1_000,
    )
    return _ids(whole)


def test_walking_the_cursors_both_ways_reads_every_row_once(session: Session) -> None:
    world = build_world(session)
    _seed(session, world, 11)
    expected = _newest_first(session, world)
    assert len(expected) == 11
    times = [item.submitted_at for item in _page(session, world).items]
    assert times == sorted(times, reverse=True)
    walked: list[list[int]] = []
    page = _page(session, world)
    while True:
        walked.append(_ids(page))
        if page.next_cursor is None:
            break
        after = keyset.decode(page.next_cursor, search.CURSOR_KINDS)
        page = _page(session, world, page=page.page + 1, seek=keyset.Seek(after=after))
    assert walked == [expected[0:4], expected[4:8], expected[8:11]]
    assert (page.page, page.pages, page.total) == (3, 3, 11)
    back = keyset.decode(page.previous_cursor, search.CURSOR_KINDS)
    middle = _page(session, world, page=2, seek=keyset.Seek(before=back))
    assert _ids(middle) == expected[4:8]
    # by number, without a cursor: the last page is the remainder, read from the other end
    assert _ids(_page(session, world, page=3)) == expected[8:11]
    assert _ids(_page(session, world, page=99)) == expected[8:11]  # clamped
    assert _ids(_page(session, world, page=2)) == expected[4:8]


def test_a_searched_list_pages_the_same_way(session: Session) -> None:
    world = build_world(session)
    _seed(session, world, 9)
    expected = [i for i in _newest_first(session, world)]
    searched = _page(session, world, q="chuyen doi so")
    assert (searched.total, searched.pages) == (9, 3)
    after = keyset.decode(searched.next_cursor, search.SEARCH_CURSOR_KINDS)
    second = _page(session, world, q="chuyen doi so", page=2, seek=keyset.Seek(after=after))
    assert _ids(second) == expected[4:8]
    assert _ids(_page(session, world, q="chuyen doi so", page=3)) == expected[8:9]
    assert _page(session, world, q="so 0").total == 9


def test_a_search_ranks_word_starts_first_then_newest(session: Session) -> None:
    world = build_world(session)
    older = _submit_text(session, world, "Về ước mơ.", NOW - timedelta(days=2))
    inside = _submit_text(session, world, "Về nước sạch.", NOW - timedelta(days=1))
    newer = _submit_text(session, world, "Ước tính kinh phí.", NOW)
    assert _ids(_page(session, world, q="uoc")) == [newer, older, inside]
    assert _ids(_page(session, world, q="uoc", page=2)) == [newer, older, inside]  # one page
    found = search.list_opinions(
        session=session, consultation=world.consultation, viewer=None,
        filters=search.parse_filters(q="uoc"), page_size=2,
    )  # fmt: skip
    assert _ids(found) == [newer, older] and found.next_cursor is not None
    after = keyset.decode(found.next_cursor, search.SEARCH_CURSOR_KINDS)
    rest = search.list_opinions(
        session=session, consultation=world.consultation, viewer=None,
        filters=search.parse_filters(q="uoc"), page_size=2, page=2,
        seek=keyset.Seek(after=after),
    )  # fmt: skip
    assert _ids(rest) == [inside]


def _submit_text(session: Session, world: World, body: str, moment: datetime) -> int:
    return opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=body,
        author_person_id=world.member_a,
        now=moment,
    ).opinion.id


def test_cursors_round_trip_and_bad_ones_are_refused() -> None:
    moment = datetime(2025, 3, 1, 7, 30, 15, 123456, tzinfo=UTC)
    cursor = keyset.encode((moment, 42))
    assert keyset.decode(cursor, (datetime, int)) == (moment, 42)
    assert keyset.decode("", (datetime, int)) is None
    for bad in ("abc", "1.2.3", "1", "99999999999999999999.1", "1e5.2", "-" * 90, "1.9" * 30):
        with pytest.raises(UserError) as refused:
            keyset.decode(bad, (datetime, int))
        assert refused.value.code == "cursor_invalid"


def test_my_opinions_page_by_cursor_too(session: Session) -> None:
    world = build_world(session)
    _seed(session, world, 10)
    person = world.member_a
    whole = queries.opinions_of_person(session=session, person_id=person, per_page=100)
    expected = [item.id for item in whole.items]
    first = queries.opinions_of_person(session=session, person_id=person, per_page=SIZE)
    after = keyset.decode(first.next_cursor, queries.MY_CURSOR_KINDS)
    second = queries.opinions_of_person(
        session=session, person_id=person, per_page=SIZE, page=2, seek=keyset.Seek(after=after)
    )
    last = queries.opinions_of_person(session=session, person_id=person, per_page=SIZE, page=3)
    assert [i.id for i in first.items + second.items + last.items] == expected
    assert last.next_cursor is None and first.previous_cursor is None
    before = keyset.decode(second.previous_cursor, queries.MY_CURSOR_KINDS)
    back = queries.opinions_of_person(
        session=session, person_id=person, per_page=SIZE, seek=keyset.Seek(before=before)
    )
    assert [i.id for i in back.items] == expected[:SIZE]


def test_past_the_ranking_bound_a_search_lists_newest_first(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(session)
    older = _submit_text(session, world, "Về ước mơ.", NOW - timedelta(days=2))
    inside = _submit_text(session, world, "Về nước sạch.", NOW - timedelta(days=1))
    newer = _submit_text(session, world, "Ước tính kinh phí.", NOW)
    monkeypatch.setattr(search, "RANKED_AT_MOST", 2)
    found = search.list_opinions(
        session=session, consultation=world.consultation, viewer=None,
        filters=search.parse_filters(q="uoc"), page_size=2,
    )  # fmt: skip
    assert _ids(found) == [newer, inside] and found.next_cursor is not None
    after = keyset.decode(found.next_cursor, search.SEARCH_CURSOR_KINDS)
    assert after is not None and after[0] == search.UNRANKED
    rest = search.list_opinions(
        session=session, consultation=world.consultation, viewer=None,
        filters=search.parse_filters(q="uoc"), page_size=2, page=2,
        seek=keyset.Seek(after=after),
    )  # fmt: skip
    assert _ids(rest) == [older]
