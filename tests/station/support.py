"""Helpers for the station tests: a street with residents, two representatives and a
deliberator (each with a QR card), congress staff, a department and its member, a reviewer,
a leader and a display; GraphQL calls for suggestions, tasks and review."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from core.ids import from_global_id
from models.accounts import Role, User
from models.cases import Department, DepartmentMember
from models.outreach import ContactCode, Delegate, DelegateKind, DelegateLevel
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.projects.support import call, data
from tests.support import Api, StreetFixture, add_member, make_street

SUGGESTION_FIELDS = """
  id text place category private status dueOn onTime answer departmentReply rating warning
  departmentId caseId addressee { id name } writer { id username }
"""
PAYLOAD = """
  __typename
  ... on SuggestionSuccess { suggestion { @ } }
  ... on UserError { code field message }
""".replace("@", SUGGESTION_FIELDS)


def _op(signature: str, call_: str, payload: str = PAYLOAD) -> str:
    return f"mutation({signature}) {{ {call_} {{ {payload} }} }}"


WRITE = _op("$input: WriteSuggestionInput!", "writeSuggestion(input: $input)")
ACCEPT = _op("$id: ID!", "acceptSuggestion(id: $id)")
ANSWER = _op(
    '$id: ID!, $answer: String!, $summary: String! = ""',
    "answerSuggestion(id: $id, answer: $answer, publicSummary: $summary)",
)
FORWARD = _op(
    '$id: ID!, $department: ID, $case: ID, $note: String! = ""',
    "forwardSuggestion(id: $id, departmentId: $department, caseId: $case, note: $note)",
)
REPLY = _op("$id: ID!, $reply: String!", "replyToSuggestion(id: $id, reply: $reply)")
RATE = _op("$id: ID!, $rating: Int!", "rateSuggestion(id: $id, rating: $rating)")
SUGGESTION = f"query($id: ID!) {{ suggestion(id: $id) {{ {SUGGESTION_FIELDS} }} }}"
SUGGESTIONS = (
    "query { suggestions(first: 50) { totalCount edges { node { " + SUGGESTION_FIELDS + " } } } }"
)

TASK_PAYLOAD = """
  __typename
  ... on StationTaskSuccess { task { id title places claimed status } }
  ... on UserError { code field message }
"""
CLAIM_PAYLOAD = """
  __typename
  ... on TaskClaimSuccess { claim { id slotNo report reportedAt confirmedAt claimer { id } } }
  ... on UserError { code field message }
"""
POST_TASK = _op(
    '$title: String!, $places: Int!, $description: String! = ""',
    "postStationTask(title: $title, places: $places, description: $description)",
    TASK_PAYLOAD,
)
CLOSE_TASK = _op("$id: ID!", "closeStationTask(id: $id)", TASK_PAYLOAD)
CLAIM = _op("$task: ID!", "claimStationTask(taskId: $task)", CLAIM_PAYLOAD)
REPORT = _op(
    "$task: ID!, $report: String!, $photos: [String!]",
    "reportStationTask(taskId: $task, report: $report, photos: $photos)",
    CLAIM_PAYLOAD,
)
CONFIRM = _op("$claim: ID!", "confirmStationTask(claimId: $claim)", CLAIM_PAYLOAD)
TASKS = """
query { stationTasks(first: 50) { edges { node {
  id title places claimed status claims { slotNo claimer { id } report confirmedAt }
} } } }
"""

ADD_WATCH = _op(
    "$phrase: String!",
    "addWatchEntry(phrase: $phrase)",
    """__typename ... on WatchEntrySuccess { entry { id phrase folded } }
       ... on UserError { code field message }""",
)
DECIDE = _op(
    '$id: ID!, $approve: Boolean!, $text: String, $reason: String! = ""',
    "decideReview(id: $id, approve: $approve, text: $text, reason: $reason)",
    """__typename ... on ReviewItemSuccess { item { id status text reason matched } }
       ... on UserError { code field message }""",
)
QUEUE = """
query($status: ReviewStatus) { reviewQueue(status: $status, first: 50) { edges { node {
  id kind text status matched author { id } reviewer { id }
} } } }
"""
BOARD = """
query($token: String!) { stationBoard(token: $token) {
  __typename
  ... on StationBoard { name counts { received answered onTime } answers { summary } }
  ... on UserError { code field message }
} }
"""
FIGURES = """
query { stationFigures {
  suggestions { received answered onTime rated satisfied replyRate satisfactionRate }
  tasksPosted tasksClaimed tasksDone difficultOpen reviewsPending
} }
"""
DELEGATE_FIGURES = """
query { delegateSuggestionFigures { delegate { id name } counts {
  received answered onTime rated satisfied averageRating
} } }
"""


def pk(global_id: str) -> int:
    return int(from_global_id(global_id)[1])


@dataclass(frozen=True)
class StationStreet:
    street: StreetFixture
    resident: User
    neighbour: User
    representative: User  # 人大代表, addressee of the main card
    other_representative: User
    deliberator: User  # 议事员
    congress: User  # 人大工委
    department: User  # 街道科室, a member of department_id
    reviewer: User  # 片区审核员
    leader: User  # 街道领导
    display: User  # 大屏
    delegate_id: int
    other_delegate_id: int
    deliberator_delegate_id: int
    department_id: int
    token: str  # the representative's card
    other_token: str  # the other representative's card

    @property
    def sid(self) -> int:
        return self.street.street_id


async def station_street(services: Services, prefix: str = "station") -> StationStreet:
    street = await make_street(services, prefix)
    sid = street.street_id
    users = {
        name: await add_member(services, sid, role)
        for name, role in (
            ("resident", Role.RESIDENT),
            ("neighbour", Role.RESIDENT),
            ("representative", Role.REPRESENTATIVE),
            ("other_representative", Role.REPRESENTATIVE),
            ("deliberator", Role.DELIBERATOR),
            ("congress", Role.CONGRESS_STAFF),
            ("department", Role.STREET_DEPARTMENT),
            ("reviewer", Role.STREET_REVIEWER),
            ("leader", Role.STREET_LEADER),
            ("display", Role.DISPLAY),
        )
    }
    with street_scope(sid):
        delegates = {}
        for name, kind in (
            ("representative", DelegateKind.REPRESENTATIVE),
            ("other_representative", DelegateKind.REPRESENTATIVE),
            ("deliberator", DelegateKind.DELIBERATOR),
        ):
            delegates[name] = await Delegate.create(
                kind=kind,
                name=f"代表{name[:4]}",
                level=DelegateLevel.DISTRICT if kind is DelegateKind.REPRESENTATIVE else None,
                user=users[name],
            )
        tokens = {}
        for name in ("representative", "other_representative", "deliberator"):
            tokens[name] = secrets.token_urlsafe(24)
            await ContactCode.create(
                delegate=delegates[name], token=tokens[name], created_at=services.clock.now()
            )
        department = await Department.create(code=f"d{secrets.token_hex(2)}", name="城管中队")
        await DepartmentMember.create(department=department, user=users["department"])
    return StationStreet(
        street,
        **users,
        delegate_id=delegates["representative"].id,
        other_delegate_id=delegates["other_representative"].id,
        deliberator_delegate_id=delegates["deliberator"].id,
        department_id=department.id,
        token=tokens["representative"],
        other_token=tokens["other_representative"],
    )


def suggestion_input(token: str, **overrides: Any) -> dict:
    return {
        "token": token,
        "text": "小区门口路灯坏了两个月，晚上出行不便，希望尽快修好。",
        "place": "梅花苑东门",
        "category": "市政设施",
        **overrides,
    }


async def write(api: Api, ss: StationStreet, who: User | None = None, **overrides: Any) -> dict:
    body = await call(
        api, who or ss.resident, WRITE, {"input": suggestion_input(ss.token, **overrides)}
    )
    result = data(body, "writeSuggestion")
    assert result["__typename"] == "SuggestionSuccess", result
    return result["suggestion"]


async def mutate(api: Api, who: User, op: str, variables: dict, name: str) -> dict:
    return data(await call(api, who, op, variables), name)


async def post_task(api: Api, ss: StationStreet, places: int = 3, title: str = "走访调研") -> dict:
    result = await mutate(
        api, ss.congress, POST_TASK, {"title": title, "places": places}, "postStationTask"
    )
    assert result["__typename"] == "StationTaskSuccess", result
    return result["task"]


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """One row of every station model in a street (for the whole-model isolation test),
    written by the station's own operations."""
    from datetime import timedelta

    from models.station import ActivityKind, MatterKind
    from resolvers.station import (
        activities,
        deadlines,
        difficult,
        review,
        settings,
        suggestions,
        tasks,
        watch,
    )
    from tests.cases.support import clock_at

    sid = fixture.street_id
    resident = await add_member(services, sid, Role.RESIDENT)
    rep = await add_member(services, sid, Role.REPRESENTATIVE)
    congress = await add_member(services, sid, Role.CONGRESS_STAFF)
    reviewer = await add_member(services, sid, Role.STREET_REVIEWER)
    with street_scope(sid):
        street = await Street.get(id=sid)
        delegate = await Delegate.create(
            kind=DelegateKind.REPRESENTATIVE, name="隔离代表", level=DelegateLevel.CITY, user=rep
        )
        token = secrets.token_urlsafe(24)
        await ContactCode.create(delegate=delegate, token=token, created_at=services.clock.now())

        def who(user: User) -> Caller:
            return Caller(services, user, street)

        await settings.save(who(congress), 10, 70, None)
        first = await suggestions.write(
            who(resident), suggestions.SuggestionDraft(token=token, text=f"隔离建议{index}")
        )
        await suggestions.answer(who(rep), first.id, "已答复", public_summary="路灯已修复")
        late = await suggestions.write(
            who(resident), suggestions.SuggestionDraft(token=token, text="超期建议")
        )
        await review.add_entry(who(reviewer), f"隔离词{index}")
        task = await tasks.post(who(congress), "隔离任务", "", 2)
        await tasks.claim(who(rep), task.id)
        await difficult.mark(who(congress), MatterKind.SUGGESTION, late.id, "多方推诿")
        await watch.add_person(who(reviewer), watch.ACCOUNT, resident.id, "隔离重点人")
        await watch.mark_matter(who(reviewer), MatterKind.SUGGESTION, late.id, "隔离重点事")
        await difficult.roll_up_street(services, sid)
        start = services.clock.now() + timedelta(days=2)
        activity = await activities.publish(
            who(congress),
            activities.ActivityDraft(
                kind=ActivityKind.RECEPTION_DAY,
                title="隔离活动",
                place="联络站",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                capacity=5,
                audience=["RESIDENTS"],
            ),
        )
        await activities.sign_up(who(resident), activity.id)
    later = services.clock.now() + timedelta(days=60)
    with clock_at(services.clock, later), street_scope(sid):  # type: ignore[arg-type]  # tests
        await deadlines.warn_suggestion(services, late.id)
