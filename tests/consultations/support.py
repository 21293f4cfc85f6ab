"""Helpers for the bell tests: a street with every kind of member the bell knows (a resident
living in a compound, a building chief, grid staff, community staff, street staff, a
professional, a display), and GraphQL calls for each step of a consultation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core.ids import from_global_id
from models.accounts import Role, User
from models.audit import AuditEntry
from models.consultations import (
    BellLogEntry,
    Consultation,
    ConsultationMeeting,
    ConsultationStep,
    Evaluation,
    Invitation,
    LibraryCase,
    StepWarning,
)
from models.events import OutboxEvent
from models.people import Building, CommunityAssignment, Compound, GridAssignment, GridDuty
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.people.support import add_resident
from tests.projects.support import call, data
from tests.support import Api, StreetFixture, add_member, gid, make_street

CONSULTATION_FIELDS = """
  id title step classification office category channel requesterKind stepDue lateness
  agenda outcome announcement ratingCount averageRating caseId
  requester { id } enteredBy { id }
  timeline { step stepName note actor { id } }
  invitations { id partyKind partyName status reason position attending verdict account { id } }
  meeting { id startsAt heldAt minutes decisions { text agreedBy } }
"""
PAYLOAD = """
  __typename
  ... on ConsultationSuccess { consultation { @ } }
  ... on UserError { code field message }
""".replace("@", CONSULTATION_FIELDS)
RING_PAYLOAD = """
  __typename
  ... on Rung { consultation { @ } similarCases { score case { id title } } }
  ... on UserError { code field message }
""".replace("@", CONSULTATION_FIELDS)
PARTY_PAYLOAD = """
  __typename
  ... on InvitationSuccess { invitation { id status attending verdict } }
  ... on UserError { code field message }
"""


def _op(signature: str, call: str, payload: str = PAYLOAD) -> str:
    return f"mutation({signature}) {{ {call} {{ {payload} }} }}"


RING = _op("$input: RingInput!", "ringBell(input: $input)", RING_PAYLOAD)
ACCEPT = _op(
    '$id: ID!, $office: String, $note: String! = ""',
    "acceptConsultation(id: $id, office: $office, note: $note)",
)
DECLINE = _op("$id: ID!, $reason: String!", "declineConsultation(id: $id, reason: $reason)")
INVITE = _op("$id: ID!, $parties: [PartyInput!]!", "inviteParties(id: $id, parties: $parties)")
ANSWER = _op(
    '$id: ID!, $accept: Boolean!, $reason: String! = ""',
    "answerInvitation(id: $id, accept: $accept, reason: $reason)",
    PARTY_PAYLOAD,
)
POSITION = _op(
    "$id: ID!, $position: String!", "givePosition(id: $id, position: $position)", PARTY_PAYLOAD
)
SCHEDULE = _op("$id: ID!, $input: MeetingInput!", "scheduleMeeting(id: $id, input: $input)")
COORDINATE = _op("$id: ID!, $agenda: String!", "coordinateConsultation(id: $id, agenda: $agenda)")
ATTEND = _op(
    "$id: ID!, $attending: Boolean!",
    "setAttendance(id: $id, attending: $attending)",
    PARTY_PAYLOAD,
)
CONFIRM = _op("$id: ID!", "confirmAttendance(id: $id)")
MINUTES = _op(
    "$id: ID!, $minutes: String!, $decisions: [DecisionInput!]!",
    "recordMinutes(id: $id, minutes: $minutes, decisions: $decisions)",
)
VERDICT = _op(
    '$id: ID!, $verdict: ReviewVerdict!, $reason: String! = ""',
    "giveVerdict(id: $id, verdict: $verdict, reason: $reason)",
    PARTY_PAYLOAD,
)
REVIEW = _op("$id: ID!, $outcome: String!", "reviewOutcome(id: $id, outcome: $outcome)")
ANNOUNCE = _op("$id: ID!, $text: String!", "announceOutcome(id: $id, text: $text)")
EVALUATE = _op(
    '$id: ID!, $rating: Int!, $comment: String! = ""',
    "evaluateOutcome(id: $id, rating: $rating, comment: $comment)",
)
CHECK_IN = """
mutation($meeting: ID!, $token: String!) {
  checkInAttendee(meetingId: $meeting, token: $token) {
    __typename
    ... on CheckedIn { partyName invitation { id checkedInAt } }
    ... on UserError { code field message }
  }
}
"""
CONSULTATION = f"query($id: ID!) {{ consultation(id: $id) {{ {CONSULTATION_FIELDS} }} }}"
MY_INVITATION = """
query($id: ID!) {
  consultation(id: $id) { myInvitation { id checkInLink checkInQr calendarFile } meeting { id } }
}
"""


@dataclass(frozen=True)
class BellStreet:
    street: StreetFixture
    compound_id: int
    building_id: int
    resident: User  # lives in the compound (居民)
    neighbour: User  # lives in the same compound
    outsider: User  # a resident of the street, elsewhere
    chief: User  # 楼道长
    worker: User  # 网格员 of the grid
    grid_chief: User  # 网格长
    staff: User  # 社区两委 of the community
    reviewer: User  # 街道片区审核员
    department: User  # 街道科室 (城管中队)
    leader: User  # 街道领导
    professional: User  # 专业人士 (律师)
    display: User  # 大屏

    @property
    def sid(self) -> int:
        return self.street.street_id

    def by_role(self) -> dict[str, User]:
        return {
            "RESIDENT": self.resident,
            "BUILDING_CHIEF": self.chief,
            "GRID_WORKER": self.worker,
            "GRID_CHIEF": self.grid_chief,
            "COMMUNITY_STAFF": self.staff,
            "STREET_REVIEWER": self.reviewer,
            "STREET_DEPARTMENT": self.department,
            "STREET_LEADER": self.leader,
            "PROFESSIONAL": self.professional,
            "DISPLAY": self.display,
        }


async def bell_street(services: Services, prefix: str = "bell") -> BellStreet:
    street = await make_street(services, prefix)
    sid = street.street_id
    users = {
        name: await add_member(services, sid, role)
        for name, role in (
            ("resident", Role.RESIDENT),
            ("neighbour", Role.RESIDENT),
            ("outsider", Role.RESIDENT),
            ("chief", Role.BUILDING_CHIEF),
            ("worker", Role.GRID_WORKER),
            ("grid_chief", Role.GRID_CHIEF),
            ("staff", Role.COMMUNITY_STAFF),
            ("reviewer", Role.STREET_REVIEWER),
            ("department", Role.STREET_DEPARTMENT),
            ("leader", Role.STREET_LEADER),
            ("professional", Role.PROFESSIONAL),
            ("display", Role.DISPLAY),
        )
    }
    with street_scope(sid):
        compound = await Compound.create(community_id=street.community_id, name="梅花苑")
        other = await Compound.create(community_id=street.community_id, name="桃园")
        building = await Building.create(compound=compound, grid_id=street.grid_id, name="3幢")
        elsewhere = await Building.create(compound=other, grid_id=street.grid_id, name="1幢")
        await CommunityAssignment.create(community_id=street.community_id, user=users["staff"])
        for name, duty in (("worker", GridDuty.WORKER), ("grid_chief", GridDuty.CHIEF)):
            await GridAssignment.create(grid_id=street.grid_id, user=users[name], duty=duty)
    for name, home in (
        ("resident", building),
        ("neighbour", building),
        ("chief", building),
        ("outsider", elsewhere),
    ):
        resident = await add_resident(services, sid, street.grid_id, name, user=users[name])
        with unscoped("test set-up"):
            resident.building_id = home.id
            await resident.save(update_fields=["building_id"])
    return BellStreet(street, compound.id, building.id, **users)


def ring_input(bs: BellStreet, **overrides: Any) -> dict:
    values: dict[str, Any] = {
        "title": "3幢电梯长期故障",
        "description": "梅花苑3幢电梯经常停运，老人上下楼困难，希望物业尽快维修。",
        "category": "物业管理",
        "compoundId": gid("Compound", bs.compound_id),
        "parties": ["梅花苑物业", "业委会"],
    }
    values.update(overrides)
    return values


def result(body: dict) -> dict:
    return data(body, next(iter(body["data"])))


async def ring(api: Api, bs: BellStreet, user: User | None = None, **overrides: Any) -> dict:
    body = await call(api, user or bs.resident, RING, {"input": ring_input(bs, **overrides)})
    found = result(body)
    assert found["__typename"] == "Rung", found
    return found["consultation"]


async def act(api: Api, user: User, query: str, **variables: Any) -> dict:
    return result(await call(api, user, query, variables))


async def ok(api: Api, user: User, query: str, **variables: Any) -> dict:
    found = await act(api, user, query, **variables)
    assert found["__typename"] in ("ConsultationSuccess", "InvitationSuccess"), found
    return found.get("consultation") or found["invitation"]


def parties_of(bs: BellStreet) -> list[dict]:
    return [
        {
            "kind": "PROPERTY_COMPANY",
            "name": "梅花苑物业",
            "accountId": gid("Account", bs.chief.id),
        },
        {"kind": "PROFESSIONAL", "name": "王律师", "accountId": gid("Account", bs.professional.id)},
    ]


STEPS_IN_ORDER = [
    "SUBMITTED",
    "ACCEPTED",
    "INVITED",
    "COORDINATED",
    "CONFIRMED",
    "MET",
    "REVIEWED",
    "ANNOUNCED",
    "EVALUATED",
]


async def advance(api: Api, services: Services, bs: BellStreet, cid: str, to: str) -> dict:
    """Take a SUBMITTED consultation up to the step ``to`` through the API, each step by the
    role that takes it."""
    c: dict = {}
    target = STEPS_IN_ORDER.index(to)
    if target >= 1:
        c = await ok(api, bs.staff, ACCEPT, id=cid)
    if target >= 2:
        c = await ok(api, bs.staff, INVITE, id=cid, parties=parties_of(bs))
        for party in (bs.chief, bs.professional):
            await ok(api, party, ANSWER, id=cid, accept=True)
            await ok(api, party, POSITION, id=cid, position="同意尽快维修，费用按规定分摊。")
        starts = services.clock.now() + timedelta(minutes=1)
        meeting = {
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=2)).isoformat(),
            "place": "社区议事厅",
            "onlineLink": "https://meet.example.org/bell",
        }
        await ok(api, bs.staff, SCHEDULE, id=cid, input=meeting)
    if target >= 3:
        c = await ok(api, bs.staff, COORDINATE, id=cid, agenda="电梯维修方案与费用分摊")
    if target >= 4:
        for party in (bs.chief, bs.professional):
            await ok(api, party, ATTEND, id=cid, attending=True)
        c = await ok(api, bs.staff, CONFIRM, id=cid)
    if target >= 5:
        services.clock.advance(minutes=2)  # type: ignore[attr-defined]
        invitations = [i["id"] for i in c["invitations"]]
        decisions = [{"text": "物业两周内完成维修", "agreedBy": invitations}]
        c = await ok(
            api, bs.staff, MINUTES, id=cid, minutes="各方同意维修方案。", decisions=decisions
        )
    if target >= 6:
        for party in (bs.chief, bs.professional):
            await ok(api, party, VERDICT, id=cid, verdict="SIGNED")
        c = await ok(
            api, bs.staff, REVIEW, id=cid, outcome="物业两周内维修电梯，费用由维修基金列支。"
        )
    if target >= 7:
        c = await ok(api, bs.staff, ANNOUNCE, id=cid, text="3幢电梯维修方案已经协商确定。")
    if target >= 8:
        c = await ok(api, bs.resident, EVALUATE, id=cid, rating=5, comment="满意")
    return c


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


MODELS = (
    Consultation,
    ConsultationStep,
    Invitation,
    ConsultationMeeting,
    Evaluation,
    LibraryCase,
    BellLogEntry,
    StepWarning,
)


async def written(street_id: int) -> dict[str, Any]:
    """Everything a refused request must leave as it was: the bell's rows, the street's audit
    entries and events."""
    with unscoped("test: what was written"):
        found: dict[str, Any] = {
            model.__name__: sorted(map(str, await model.filter(tenant_id=street_id).values_list()))
            for model in MODELS
        }
        found["audit"] = await AuditEntry.filter(tenant_id=street_id).count()
        # The newest event, not their number: the relay prunes old published events.
        newest = await OutboxEvent.filter(tenant_id=street_id).order_by("-id").first()
        found["events"] = newest.id if newest else None
    return found


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every bell model in a street (for the whole-model isolation test), written by the
    bell's own operations: filled in later once every part exists."""
    from tests.consultations.seeding import seed_bell

    await seed_bell(services, fixture, index)
