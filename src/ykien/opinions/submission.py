"""Submitting an opinion: the one use case behind the reader's form and the JSON API.

Both hand the same `OpinionIn` to `submit_opinion`, which goes through the app's
`IntakeWriter` (group commit: the answer comes once the opinion is committed). A form carries a
key of its own, hidden in it; `form_idempotency_key` turns it into the submission's idempotency
key, so a double click or Back + submit again stores one opinion.
"""

from __future__ import annotations

import hashlib
import json

from ykien.accounts.credentials import Credential
from ykien.errors import LoginRequired
from ykien.opinions import queries
from ykien.opinions.intake import IntakeWriter, Receipt
from ykien.opinions.models import Channel
from ykien.opinions.schemas import OpinionIn
from ykien.opinions.service import Submission

FORM_KEY_PREFIX = "form-"
MAX_FORM_KEY = 100


async def submit_opinion(
    intake: IntakeWriter,
    *,
    consultation_id: int,
    body: OpinionIn,
    credential: Credential,
    idempotency_key: str | None,
    max_chars: int,
) -> Receipt:
    """Record one online opinion; a repeated idempotency key returns the first result.

    Without a credential only an anonymous opinion is accepted (where the policy allows it:
    checked with the author in the writer's transaction)."""
    if credential == Credential() and not body.anonymous:
        raise LoginRequired()
    queries.check_proposed_wording(body.kind, body.proposed_wording)
    submission = Submission(
        consultation_id=consultation_id,
        text=body.text,
        kind=body.kind,
        section_id=body.section_id,
        quote=body.quote or None,
        quote_start=body.quote_start,
        proposed_wording=body.proposed_wording or None,
        anonymous=body.anonymous,
        channel=Channel.ONLINE,
        idempotency_key=idempotency_key,
        max_chars=max_chars,
    )
    return await intake.submit(submission, credential)


def form_idempotency_key(form_key: str, body: OpinionIn) -> str | None:
    """The idempotency key of a form submission: the form's own key with what it says.

    The same form sent again with the same opinion (a double click, Back and submit again)
    gets the same key, so it is stored once; an opinion changed after going Back is another
    opinion and gets another key. A form without a key (an old page) has none."""
    form_key = form_key.strip()[:MAX_FORM_KEY]
    if not form_key:
        return None
    content = json.dumps([form_key, body.model_dump()], ensure_ascii=False, sort_keys=True)
    return FORM_KEY_PREFIX + hashlib.sha256(content.encode("utf-8")).hexdigest()
