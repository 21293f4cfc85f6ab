"""A street's case library from the fixed test set (tests/consultations/data/): each case a
solved consultation, prepared by the handler and published by the reviewer through the
library's own operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.consultations import Channel, Classification, Consultation, RequesterKind, Step
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.consultations import library
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.consultations.support import BellStreet
from tests.support import gid

DATA = Path(__file__).parent / "data"
TEST_SET: dict[str, Any] = json.loads((DATA / "library_set.json").read_text(encoding="utf-8"))
TOP3_PATH = DATA / "library_top3.json"


async def solved(services: Services, bs: BellStreet, title: str, category: str) -> int:
    """A consultation whose outcome was announced (written directly: the library is what is
    tested here)."""
    now = services.clock.now()
    with street_scope(bs.sid):
        row = await Consultation.create(
            title=title,
            description=title,
            category=category,
            community_id=bs.street.community_id,
            compound_id=bs.compound_id,
            requester_kind=RequesterKind.RESIDENT,
            channel=Channel.PHONE,
            requester=bs.resident,
            step=Step.ANNOUNCED,
            classification=Classification.CONSULTATION,
            submitted_at=now,
            updated_at=now,
        )
    return row.id


async def publish_test_set(services: Services, bs: BellStreet) -> dict[str, str]:
    """Every case of the test set, published; their global IDs by key."""
    found = {}
    with street_scope(bs.sid):
        street = await Street.get(id=bs.sid)
    for case in TEST_SET["cases"]:
        cid = await solved(services, bs, case["title"], case["category"])
        with street_scope(bs.sid):
            text = library.CaseText(case["title"], case["summary"], case["outcome"])
            draft = await library.prepare(Caller(services, bs.staff, street), cid, text)
            await library.publish(Caller(services, bs.reviewer, street), draft.id, None)
        found[case["key"]] = gid("LibraryCase", draft.id)
    return found
