"""A property-based run over the whole OpenAPI schema (schemathesis): every operation with
generated valid and invalid inputs, as a secretary and as a participant, on PostgreSQL (whose
INTEGER columns are the first to overflow). No server error, every answer of a documented
status, media type and schema (4xx included, in the app's error schema)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import throwaway_pg_database
from tests.factories import build_world
from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.app import create_app
from ykien.config import Settings
from ykien.db import migrate
from ykien.db.engine import make_engine, make_session_factory, unit_of_work

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 6  # valid inputs per operation (and 3 invalid ones): the whole run stays under about three minutes


@pytest.fixture(scope="module")
def world_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """The app on a migrated PostgreSQL database with a world, and a token per role."""
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        with unit_of_work(make_session_factory(engine)) as session:
            world = build_world(session, allow_anonymous=True, opens_now=True)
            secretary = accounts.create_person(
                session=session, full_name="Thư ký Khối", organisation_id=world.bloc.id
            )
            accounts.grant_role(
                session=session,
                person_id=secretary.id,
                organisation_id=world.bloc.id,
                role="secretary",
            )
            issued = {}
            for name, person_id in (("secretary", secretary.id), ("participant", world.member_a)):
                account = accounts.create_account(
                    session=session, person_id=person_id, username=name, password="mat-khau-1"
                )
                issued[name] = tokens.issue(session=session, account_id=account.id, name=name).token
        engine.dispose()
        data_dir: Path = tmp_path_factory.mktemp("schema-run")
        app = create_app(
            Settings(
                environment="test",
                data_dir=data_dir,
                database_url=url,
                queue_url="memory://",
                # the run explores inputs, not the per-client budgets (tested in test_ratelimit)
                rate_submissions_per_minute=0,
                rate_receipt_lookups_per_minute=0,
                rate_searches_per_minute=0,
            )
        )
        with TestClient(app):  # the app's lifespan runs around the whole run
            yield app, issued
        app.state.engine.dispose()


def _walk(
    operation: Any, mode: GenerationMode, tokens: dict[str, str], examples: int
) -> Counter[int]:
    """`examples` generated cases of one operation, each sent with every role's token; the
    statuses answered."""
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases on every run: a failure is reproducible
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    def run(case: schemathesis.Case) -> None:
        ids = {k: v for k, v in (case.path_parameters or {}).items() if isinstance(v, int)}
        # as generated (random ids: mostly refusals), then on the world's objects (id 1)
        for pinned in (False, True) if ids else (False,):
            if pinned:
                case.path_parameters = {**(case.path_parameters or {}), **dict.fromkeys(ids, 1)}
            for token in tokens.values():
                answer = case.call_and_validate(
                    headers={"authorization": f"Bearer {token}"}, checks=CHECKS
                )
                statuses[answer.status_code] += 1

    run()
    return statuses


@pytest.mark.slow
@pytest.mark.postgres
def test_every_operation_answers_as_documented(
    world_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, role_tokens = world_app
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures, walked, statuses = [], 0, Counter[int]()
    for result in schema.get_all_operations():
        operation = result.ok()
        walked += 1
        for mode, examples in ((GenerationMode.POSITIVE, EXAMPLES), (GenerationMode.NEGATIVE, 3)):
            try:
                statuses += _walk(operation, mode, role_tokens, examples)
            except Unsatisfiable:  # no invalid input exists (an operation without parameters)
                continue
            except (Exception, BaseExceptionGroup) as failure:  # report every operation's
                failures.append(f"{operation.label} [{mode}]: {str(failure)[:2000]}")
    print(  # pytest -s shows it (the README quotes it)
        f"schema run: {walked} operations, {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}, {len(failures)} failures"
    )
    assert walked >= 70, walked
    assert not failures, "\n\n".join(failures)
