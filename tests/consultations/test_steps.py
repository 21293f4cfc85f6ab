"""The nine steps (九大步骤), step × role: who may take each step, in order, and nothing else.

The table below is written out by hand. For each handler who may take the handler's steps
(网格长, 社区两委, 片区审核员), a ring is taken through all nine steps; before each step every
role that may not take it tries and is refused (FORBIDDEN for a role without the capability,
NOT_INVITED for one who sees the consultation but is no party, NOT_FOUND for one who does not
see it), and the step after next is tried too (STEP_OUT_OF_ORDER): nothing is written by any of
them. Then the step is taken, and it is on the consultation's timeline.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.accounts import User
from resolvers.services import Services
from tests.consultations.support import (
    ACCEPT,
    ANNOUNCE,
    ANSWER,
    ATTEND,
    CONFIRM,
    COORDINATE,
    EVALUATE,
    INVITE,
    MINUTES,
    POSITION,
    REVIEW,
    RING,
    SCHEDULE,
    STEPS_IN_ORDER,
    VERDICT,
    BellStreet,
    bell_street,
    parties_of,
    ring,
    ring_input,
    written,
)
from tests.projects.support import call
from tests.support import Api, error_codes

ROLES = "RE BC GW GC CS SR SD SL PR DS"
ROLE_OF_COLUMN = {
    "RE": "RESIDENT",  # the requester
    "BC": "BUILDING_CHIEF",  # invited as the property company's contact, lives in the compound
    "GW": "GRID_WORKER",
    "GC": "GRID_CHIEF",
    "CS": "COMMUNITY_STAFF",
    "SR": "STREET_REVIEWER",
    "SD": "STREET_DEPARTMENT",
    "SL": "STREET_LEADER",
    "PR": "PROFESSIONAL",  # invited (王律师)
    "DS": "DISPLAY",
}
# ok: may take it · F: FORBIDDEN (no capability) · I: NOT_INVITED · N: NOT_FOUND (cannot see it)
# fmt: off
TABLE = {
    "ring":       "ok ok ok ok ok F  ok F  F  F",
    "accept":     "F  F  F  ok ok ok F  F  F  F",
    "invite":     "F  F  F  ok ok ok F  F  F  F",
    "answer":     "I  ok I  I  I  F  N  I  ok F",
    "position":   "I  ok I  I  I  F  N  I  ok F",
    "coordinate": "F  F  F  ok ok ok F  F  F  F",
    "attend":     "I  ok I  I  I  F  N  I  ok F",
    "confirm":    "F  F  F  ok ok ok F  F  F  F",
    "minutes":    "F  F  F  ok ok ok F  F  F  F",
    "verdict":    "I  ok I  I  I  F  N  I  ok F",
    "review":     "F  F  F  ok ok ok F  F  F  F",
    "announce":   "F  F  F  ok ok ok F  F  F  F",
    "evaluate":   "ok ok F  F  F  F  F  F  F  F",
}
# fmt: on
HANDLERS = ["GRID_CHIEF", "COMMUNITY_STAFF", "STREET_REVIEWER"]
PARTY_STEPS = {"answer", "position", "attend", "verdict"}
CODES = {"F": "FORBIDDEN", "I": "NOT_INVITED", "N": "NOT_FOUND"}


def cells(step: str) -> dict[str, str]:
    marks = TABLE[step].split()
    assert len(marks) == len(ROLES.split()), step
    return {ROLE_OF_COLUMN[c]: m for c, m in zip(ROLES.split(), marks, strict=True)}


def variables(step: str, cid: str, bs: BellStreet, services: Services, c: dict) -> dict:
    if step == "accept":
        return {"id": cid}
    if step == "invite":
        return {"id": cid, "parties": parties_of(bs)}
    if step == "answer":
        return {"id": cid, "accept": True}
    if step == "position":
        return {"id": cid, "position": "同意维修，费用按规定分摊。"}
    if step == "coordinate":
        return {"id": cid, "agenda": "电梯维修方案"}
    if step == "attend":
        return {"id": cid, "attending": True}
    if step in ("confirm",):
        return {"id": cid}
    if step == "minutes":
        agreed = [i["id"] for i in c["invitations"]]
        return {
            "id": cid,
            "minutes": "各方同意。",
            "decisions": [{"text": "维修", "agreedBy": agreed}],
        }
    if step == "verdict":
        return {"id": cid, "verdict": "SIGNED"}
    if step == "review":
        return {"id": cid, "outcome": "物业两周内维修。"}
    if step == "announce":
        return {"id": cid, "text": "维修方案已确定。"}
    if step == "evaluate":
        return {"id": cid, "rating": 5}
    raise AssertionError(step)


QUERIES = {
    "accept": ACCEPT,
    "invite": INVITE,
    "answer": ANSWER,
    "position": POSITION,
    "coordinate": COORDINATE,
    "attend": ATTEND,
    "confirm": CONFIRM,
    "minutes": MINUTES,
    "verdict": VERDICT,
    "review": REVIEW,
    "announce": ANNOUNCE,
    "evaluate": EVALUATE,
}
ORDER = list(QUERIES)
HANDLER_STEPS = [s for s in ORDER if s not in PARTY_STEPS and s != "evaluate"]
# What the consultation's step is once each action is done (party steps leave it).
REACHES = {
    "accept": "ACCEPTED",
    "invite": "INVITED",
    "coordinate": "COORDINATED",
    "confirm": "CONFIRMED",
    "minutes": "MET",
    "review": "REVIEWED",
    "announce": "ANNOUNCED",
    "evaluate": "EVALUATED",
}


def outcome(body: dict) -> str:
    """ok, or the refusal's code (a GraphQL error's, or the payload's)."""
    if body.get("data") is None:
        return error_codes(body)[0]
    found = next(iter(body["data"].values()))
    if found["__typename"] in ("ConsultationSuccess", "InvitationSuccess", "Rung"):
        return "ok"
    return found["code"]


def test_the_table_names_every_step_and_role() -> None:
    assert set(TABLE) == {"ring", *QUERIES}
    for step in TABLE:
        assert set(cells(step).values()) <= {"ok", "F", "I", "N"}


async def test_who_may_ring(api: Api, services: Services) -> None:
    bs = await bell_street(services, "ring")
    for role, mark in cells("ring").items():
        user = bs.by_role()[role]
        before = await written(bs.sid)
        body = await call(api, user, RING, {"input": ring_input(bs, title=f"{role} 按铃")})
        if mark == "ok":
            assert outcome(body) == "ok", (role, body)
            ringing = body["data"]["ringBell"]["consultation"]
            assert ringing["step"] == "SUBMITTED" and ringing["requester"]["id"]
            assert [t["step"] for t in ringing["timeline"]] == ["SUBMITTED"]
        else:
            assert outcome(body) == CODES[mark], (role, body)
            assert await written(bs.sid) == before


@pytest.mark.parametrize("handler", HANDLERS)
async def test_the_nine_steps_step_by_role(api: Api, services: Services, handler: str) -> None:
    bs = await bell_street(services, "steps")
    roles = bs.by_role()
    c = await ring(api, bs)
    cid = c["id"]
    performer: dict[str, list[User]] = {}
    for step in ORDER:
        allowed = [r for r, m in cells(step).items() if m == "ok"]
        if step in PARTY_STEPS:
            performer[step] = [roles[r] for r in allowed]
        elif step == "evaluate":
            performer[step] = [bs.chief, bs.resident]  # a neighbour first, then the requester
        else:
            assert handler in allowed
            performer[step] = [roles[handler]]

    for n, step in enumerate(ORDER):
        if step == "minutes":
            services.clock.advance(minutes=2)  # type: ignore[attr-defined]
        before = await written(bs.sid)
        query = QUERIES[step]
        values = variables(step, cid, bs, services, c)
        for role, mark in cells(step).items():
            if mark == "ok":
                continue
            body = await call(api, roles[role], query, values)
            assert outcome(body) == CODES[mark], (step, role, body)
        # The step after next, by someone who could take it then: out of order.
        upcoming = [s for s in ORDER[n:] if s in HANDLER_STEPS]
        if len(upcoming) > 1:
            later = upcoming[1]
            body = await call(
                api, roles[handler], QUERIES[later], variables(later, cid, bs, services, c)
            )
            assert outcome(body) == "STEP_OUT_OF_ORDER", (step, later, body)
        if step != "evaluate":  # evaluating before the announcement
            body = await call(api, bs.resident, EVALUATE, {"id": cid, "rating": 5})
            assert outcome(body) == "STEP_OUT_OF_ORDER", (step, body)
        assert await written(bs.sid) == before, step

        for user in performer[step]:
            body = await call(api, user, query, values)
            assert outcome(body) == "ok", (step, user.username, body)
            found = next(iter(body["data"].values()))
            if "consultation" in found:
                c = found["consultation"]
        if step == "invite":
            starts = services.clock.now() + timedelta(minutes=1)
            meeting: dict[str, Any] = {
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=2)).isoformat(),
                "place": "社区议事厅",
            }
            body = await call(api, roles[handler], SCHEDULE, {"id": cid, "input": meeting})
            assert outcome(body) == "ok", body
        if step in REACHES:
            assert c["step"] == REACHES[step], (step, c)
    assert [t["step"] for t in c["timeline"]] == STEPS_IN_ORDER
    assert [t["stepName"] for t in c["timeline"]][::4] == [
        "提出协商申请",
        "确认参会信息",
        "评价协商结果",
    ]
    assert c["ratingCount"] == 2
    # Evaluating twice is refused.
    body = await call(api, bs.resident, EVALUATE, {"id": cid, "rating": 1})
    assert outcome(body) == "ALREADY_EVALUATED"
