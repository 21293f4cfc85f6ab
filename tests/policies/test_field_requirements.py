"""Every field of the schema declares what it requires, and the declaration is enforced.

The built schema is walked field by field (every Query, Mutation and Subscription field, and
the guarded fields of the object types). Each declares a ``Requirement``: ``Can`` (one
capability), ``SignedIn``, ``Public``, or ``node``'s requirement by kind of object. Then, for
every capability a field declares, one representative call is made over HTTP (or WebSocket),
as a member whose role lacks the capability (FORBIDDEN, no data) and as one whose role holds it
(past the check). Representatives are chosen automatically among the Query fields that need no
argument; the others are picked by hand below.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import graphql
import pytest
from strawberry.permission import PermissionExtension

from core.settings import Env, Settings
from gongzhi.platform import make_schema
from models.accounts import STREET_ROLES, Role
from models.scoping import unscoped
from policies.enforcer import new_enforcer
from resolvers.demo import DEMO_PASSWORD
from resolvers.services import Services
from schema.domain import node_kinds
from schema.domains import DOMAINS
from schema.node import CanReadNode
from schema.permissions import Can, Public, Requirement, SignedIn
from tests import live
from tests.support import Api, add_member, error_codes, gid, make_street


def vocabulary() -> set[str]:
    """Every capability a field may declare, as ``"resource:action"``.

    The one place this test learns the vocabulary: re-point it when the vocabulary moves.
    """
    from gongzhi.platform import capability_vocabulary

    CAPABILITIES = capability_vocabulary()
    return {f"{cap.resource}:{cap.action}" for cap in CAPABILITIES}


def name_of(can: Can) -> str:
    return f"{can.capability.resource}:{can.capability.action}"


# Capabilities no field declares: checked inside a resolver, with why.
RESOLVER_CHECKS = {
    "resident:pii": "resolvers/caller.py Caller.sees_pii: residents are listed to "
    "whoever holds resident:read, and their phone, ID number and address are masked unless "
    "the caller also holds resident:pii (a mask, not a refusal)",
}

# --- the walk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    type_name: str
    field_name: str  # as clients spell it
    requirement: Requirement | None
    definition: graphql.GraphQLField

    @property
    def where(self) -> str:
        return f"{self.type_name}.{self.field_name}"

    def capabilities(self) -> set[str]:
        if isinstance(self.requirement, Can):
            return {name_of(self.requirement)}
        if isinstance(self.requirement, CanReadNode):
            return {
                name_of(kind.requires)
                for kind in node_kinds(DOMAINS).values()
                if isinstance(kind.requires, Can)
            }
        return set()


def requirement_of(definition: graphql.GraphQLField) -> Requirement | None:
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    found = [
        permission
        for extension in getattr(strawberry_field, "extensions", None) or []
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    ]
    assert len(found) <= 1, f"{strawberry_field}: more than one requirement"
    return found[0] if found else None


SCHEMA = make_schema(Settings(env=Env.DEV))
GRAPHQL_SCHEMA: graphql.GraphQLSchema = SCHEMA._schema
ROOTS = tuple(
    root.name
    for root in (
        GRAPHQL_SCHEMA.query_type,
        GRAPHQL_SCHEMA.mutation_type,
        GRAPHQL_SCHEMA.subscription_type,
    )
    if root is not None
)


def walk() -> Iterator[Declared]:
    for type_name, named in GRAPHQL_SCHEMA.type_map.items():
        if type_name.startswith("__") or not isinstance(named, graphql.GraphQLObjectType):
            continue
        for field_name, definition in named.fields.items():
            yield Declared(type_name, field_name, requirement_of(definition), definition)


FIELDS = list(walk())
ROOT_FIELDS = [declared for declared in FIELDS if declared.type_name in ROOTS]


def declared_capabilities() -> set[str]:
    return {name for declared in FIELDS for name in declared.capabilities()}


def test_the_walk_sees_every_root_field() -> None:
    assert {declared.type_name for declared in ROOT_FIELDS} == {"Query", "Mutation", "Subscription"}
    assert len(ROOT_FIELDS) == sum(len(GRAPHQL_SCHEMA.type_map[root].fields) for root in ROOTS)
    assert len(ROOT_FIELDS) > 90


def test_every_query_mutation_and_subscription_field_declares_a_requirement() -> None:
    known = (Can, SignedIn, Public, CanReadNode)
    undeclared = [d.where for d in ROOT_FIELDS if not isinstance(d.requirement, known)]
    assert undeclared == []


def test_every_declared_capability_is_in_the_vocabulary() -> None:
    unknown = [
        f"{declared.where}: {name}"
        for declared in FIELDS
        for name in declared.capabilities()
        if name not in vocabulary()
    ]
    assert unknown == []


def test_every_capability_is_declared_by_a_field_or_checked_in_a_resolver() -> None:
    assert set(RESOLVER_CHECKS) <= vocabulary()
    assert set(RESOLVER_CHECKS) & declared_capabilities() == set(), "no longer an exception"
    assert vocabulary() - declared_capabilities() - set(RESOLVER_CHECKS) == set()


# --- representatives: one call per capability ----------------------------------------------

NO_SUCH = 999_999_999  # a primary key no row has: a holder gets past the check, changes nothing


def no_such(type_name: str) -> str:
    return gid(type_name, NO_SUCH)


@dataclass(frozen=True)
class Probe:
    operation: str
    field: str  # where the capability is checked: the error's path ends there


def auto_probes() -> dict[str, Probe]:
    """The first Query field declaring each capability that needs no argument."""
    probes: dict[str, Probe] = {}
    for declared in ROOT_FIELDS:
        if declared.type_name != "Query" or not isinstance(declared.requirement, Can):
            continue
        if any(graphql.is_required_argument(arg) for arg in declared.definition.args.values()):
            continue
        returned = graphql.get_named_type(declared.definition.type)
        selection = " { __typename }" if graphql.is_composite_type(returned) else ""
        probes.setdefault(
            name_of(declared.requirement),
            Probe(f"{{ {declared.field_name}{selection} }}", declared.field_name),
        )
    return probes


def mutation(field: str, arguments: str) -> Probe:
    return Probe(f"mutation {{ {field}({arguments}) {{ __typename }} }}", field)


def with_input(field: str, fields: str) -> Probe:
    return mutation(field, f"input: {{{fields}}}")


DAY = '"2026-01-01"'
HAND_PICKED: dict[str, Probe] = {
    "audit:read": Probe(
        f'{{ auditTrail(subject: "{no_such("Resident")}") {{ __typename }} }}', "auditTrail"
    ),
    "visit:read": Probe('{ visitCounts(month: "2026-01") { __typename } }', "visitCounts"),
    "project_people:read": Probe(
        f'{{ node(id: "{no_such("SupervisionOpinion")}") {{ __typename }} }}', "node"
    ),
    "vote_tally:read": Probe(
        "{ votes { edges { node { runningTally { __typename } } } } }", "runningTally"
    ),
    "street:update": with_input("setVisitTarget", "monthlyTarget: -1"),
    "place:manage": with_input("createCommunity", 'code: "", name: ""'),
    "member:grant": with_input("grantRole", f'accountId: "{no_such("Account")}", role: RESIDENT'),
    "staff:assign": with_input("unassignGridStaff", f'assignmentId: "{no_such("GridAssignment")}"'),
    "tag:manage": with_input("deleteTag", f'tagId: "{no_such("Tag")}"'),
    "resident:manage": with_input(
        "linkResidentAccount",
        f'residentId: "{no_such("Resident")}", accountId: "{no_such("Account")}"',
    ),
    "resident:tag": with_input("tagResident", f'residentId: "{no_such("Resident")}"'),
    "resident:import": with_input("importResidents", 'csv: ""'),
    "people:handover": with_input(
        "handOver", f'leaverId: "{no_such("Account")}", successorId: "{no_such("Account")}"'
    ),
    "delegate:manage": with_input("revokeContactCode", f'codeId: "{no_such("ContactCode")}"'),
    "visit:record": with_input(
        "recordVisit", f'residentId: "{no_such("Resident")}", findings: "权限测试"'
    ),
    "project:manage": with_input(
        "changeProjectStatus", f'projectId: "{no_such("Project")}", to: APPROVED'
    ),
    "project:progress": with_input(
        "addMilestone", f'projectId: "{no_such("Project")}", title: "权限测试", plannedDate: {DAY}'
    ),
    "project:fund": with_input(
        "recordDisbursement",
        f'projectId: "{no_such("Project")}", amount: "1", paidOn: {DAY}, purpose: "权限测试"',
    ),
    "project:supervise": with_input(
        "postSupervisionOpinion", f'projectId: "{no_such("Project")}", body: "权限测试"'
    ),
    "project:reply": with_input(
        "replyToOpinion", f'opinionId: "{no_such("SupervisionOpinion")}", body: "权限测试"'
    ),
    "project:rate": with_input("rateProject", f'projectId: "{no_such("Project")}", score: 5'),
    "project:follow": with_input("followProject", f'projectId: "{no_such("Project")}"'),
    "vote:manage": mutation("openVote", f'id: "{no_such("Vote")}"'),
    "vote:cast": with_input("castBallot", f'voteId: "{no_such("Vote")}", choices: []'),
    "case:report": with_input(
        "reportCase", f'title: "权限测试", categoryId: "{no_such("CaseCategory")}"'
    ),
    "case:report_for": with_input(
        "reportCaseFor", f'title: "权限测试", categoryId: "{no_such("CaseCategory")}"'
    ),
    "case:resolve_on_spot": with_input(
        "reportResolvedCase",
        f'title: "权限测试", categoryId: "{no_such("CaseCategory")}", result: "权限测试"',
    ),
    "case:handle": with_input("signCase", f'caseId: "{no_such("Case")}"'),
    "case:dispatch": with_input("closeCaseDirectly", f'caseId: "{no_such("Case")}", result: "x"'),
    "case:district_handle": with_input("signLinkedCase", f'caseId: "{no_such("Case")}"'),
    "case:rate": with_input("rateCase", f'caseId: "{no_such("Case")}", satisfaction: SATISFIED'),
    "case:call_back": with_input(
        "recordCaseCallBack", f'caseId: "{no_such("Case")}", satisfaction: SATISFIED'
    ),
    "case:project": with_input(
        "makeProjectFromCase",
        f'caseId: "{no_such("Case")}", department: "x", plannedStart: {DAY}, '
        f'plannedEnd: {DAY}, budget: "1.00"',
    ),
    "case:configure": with_input("createDepartment", 'code: "", name: ""'),
    "consultation:ring": with_input("ringBell", 'title: "", description: "", category: ""'),
    "consultation:handle": mutation("acceptConsultation", f'id: "{no_such("Consultation")}"'),
    "consultation:respond": mutation(
        "answerInvitation", f'id: "{no_such("Consultation")}", accept: true'
    ),
    "consultation:evaluate": mutation(
        "evaluateOutcome", f'id: "{no_such("Consultation")}", rating: 5'
    ),
    "consultation:check_in": mutation(
        "checkInAttendee", f'meetingId: "{no_such("ConsultationMeeting")}", token: "x"'
    ),
    "consultation_library:publish": mutation(
        "publishLibraryCase", f'id: "{no_such("LibraryCase")}"'
    ),
    "bell_log:write": mutation("logBellWork", 'activity: VISIT, note: ""'),
    "bell_terminal:manage": mutation(
        "registerBellTerminal", f'communityId: "{no_such("Community")}", name: "x"'
    ),
    "suggestion:write": with_input("writeSuggestion", 'token: "no-such-card", text: "x"'),
    "suggestion:answer": mutation("acceptSuggestion", f'id: "{no_such("Suggestion")}"'),
    "suggestion:department_reply": mutation(
        "replyToSuggestion", f'id: "{no_such("Suggestion")}", reply: "x"'
    ),
    "suggestion:rate": mutation("rateSuggestion", f'id: "{no_such("Suggestion")}", rating: 5'),
    "station_task:claim": mutation("claimStationTask", f'taskId: "{no_such("StationTask")}"'),
    "review:decide": mutation("decideReview", f'id: "{no_such("ReviewItem")}", approve: true'),
    "key_person:manage": mutation("removeKeyPerson", f'id: "{no_such("KeyPerson")}"'),
    "key_matter:manage": mutation("removeKeyMatter", f'id: "{no_such("KeyMatter")}"'),
    "activity:join": mutation("signUpForActivity", f'activityId: "{no_such("Activity")}"'),
    "house:manage": with_input(
        "setDwellingUnitUse", f'unitId: "{no_such("DwellingUnit")}", use: VACANT'
    ),
    "organisation:manage": with_input(
        "linkOrganisationAccount",
        f'organisationId: "{no_such("Organisation")}", accountId: "{no_such("Account")}"',
    ),
    "bases:import": with_input("importBases", 'kind: UNITS, csv: ""'),
    "group:manage": with_input(
        "addGroupMember", f'groupId: "{no_such("ChatGroup")}", accountId: "{no_such("Account")}"'
    ),
    "reward:configure": with_input("setRewardBudget", 'year: 2026, budget: "1"'),
    "reward:grant": with_input("grantReward", f'caseId: "{no_such("Case")}"'),
    "reporter_ranking:read": Probe(
        "{ reporterRanking(year: 2026) { __typename } }", "reporterRanking"
    ),
    "reporter_ranking:consent": mutation("showNameOnRanking", "show: true"),
    "wish:post": with_input("postWish", 'title: "权限测试"'),
    "wish:post_for": with_input(
        "postWishFor", f'residentId: "{no_such("Resident")}", title: "权限测试"'
    ),
    "wish:claim": with_input("claimWish", f'wishId: "{no_such("MicroWish")}"'),
    "wish:confirm": with_input("confirmWish", f'wishId: "{no_such("MicroWish")}"'),
    "circle:join": with_input("joinCircle", f'circleId: "{no_such("Circle")}"'),
    "key_point:manage": with_input(
        "addKeyPoint", 'name: "权限测试", location: {longitude: 0, latitude: 0}, radiusM: 1'
    ),
    "tenant:create": with_input(
        "createStreet", 'code: "", name: "", districtCode: "", adminUsername: ""'
    ),
}
# Declared by a subscription only: probed over WebSocket (see the test at the end).
BY_SUBSCRIPTION = {"event:read"}

# Who calls. By default a member of a street made for this module, of the first role (in
# ``Role`` order) that holds the capability, or lacks it. A few need accounts of the demo:
# (username, street for X-Tenant).
HOLDERS = {
    "district:read": ("gongshu.district_admin", "mishixiang"),
    "tenant:read": ("admin", None),
    "tenant:create": ("admin", None),
    # a named ballot's live count is seen on the votes of a demo street, which holds some
    "vote_tally:read": ("wulidun.congress_staff", None),
    # the one write of a district account: a district department's, into a street of its district
    "case:district_handle": ("gongshu.district_department", "mishixiang"),
}
LACKERS = {"vote_tally:read": ("wulidun.street_admin", None)}


def probes() -> dict[str, Probe]:
    return {**auto_probes(), **HAND_PICKED}


def street_roles_by(capability: str, held: bool) -> list[Role]:
    resource, action = capability.split(":")
    found = []
    for role in Role:
        if role not in STREET_ROLES:
            continue
        enforcer = new_enforcer()
        enforcer.add_grouping_policy("user:1", role.value, "street:1")
        if bool(enforcer.enforce("user:1", "street:1", resource, action)) is held:
            found.append(role)
    return found


def test_every_declared_capability_has_a_representative_call() -> None:
    probed = set(probes()) | BY_SUBSCRIPTION
    assert declared_capabilities() - probed == set()
    assert probed - declared_capabilities() == set(), "a representative of nothing"


def test_every_representative_is_a_field_that_declares_its_capability() -> None:
    by_field: dict[str, set[str]] = {}
    for declared in FIELDS:
        by_field.setdefault(declared.field_name, set()).update(declared.capabilities())
    wrong = {
        capability: probe.field
        for capability, probe in probes().items()
        if capability not in by_field.get(probe.field, set())
    }
    assert wrong == {}


@dataclass(frozen=True)
class Caller:
    username: str
    password: str
    tenant: str | None = None


@pytest.fixture(scope="module")
async def members(services: Services) -> dict[Role, Caller]:
    """A street of its own with one member per street role: writes never reach the demo."""
    street = await make_street(services, "fields")
    callers = {}
    for role in sorted(STREET_ROLES):
        user = await add_member(services, street.street_id, role)
        callers[role] = Caller(user.username, DEMO_PASSWORD)
    # Every street role reads the street, its places, projects and votes: to see those fields
    # refuse, a member of the street whose one role grants nothing there (policy.csv gives
    # PLATFORM_ADMIN nothing in a street).
    user = await add_member(services, street.street_id, Role.PLATFORM_ADMIN)
    callers[Role.PLATFORM_ADMIN] = Caller(user.username, DEMO_PASSWORD)
    with unscoped("test set-up"):
        await services.relay.pump()  # the street's own events are out before anyone listens
    return callers


def caller(capability: str, held: bool, members: dict[Role, Caller]) -> Caller:
    chosen = (HOLDERS if held else LACKERS).get(capability)
    if chosen is not None:
        return Caller(chosen[0], DEMO_PASSWORD, chosen[1])
    roles = street_roles_by(capability, held) or ([] if held else [Role.PLATFORM_ADMIN])
    assert roles, f"no street role holds {capability}: name an account in HOLDERS"
    return members[roles[0]]


async def call(api: Api, who: Caller, probe: Probe) -> dict:
    token = await api.login(who.username, who.password)
    return await api.gql(probe.operation, token=token, tenant=who.tenant)


def forbidden_at(body: dict) -> list[str]:
    return [
        str((error.get("path") or ["?"])[-1])
        for error in body.get("errors") or []
        if error.get("extensions", {}).get("code") == "FORBIDDEN"
    ]


@pytest.mark.parametrize("capability", sorted(probes()))
async def test_a_caller_lacking_the_capability_is_refused(
    api: Api, members: dict[Role, Caller], capability: str
) -> None:
    probe = probes()[capability]
    body = await call(api, caller(capability, held=False, members=members), probe)
    assert error_codes(body) and set(error_codes(body)) == {"FORBIDDEN"}, body
    assert set(forbidden_at(body)) == {probe.field}, body
    if probe.field in {declared.field_name for declared in ROOT_FIELDS}:
        assert body["data"] is None, body


@pytest.mark.parametrize("capability", sorted(probes()))
async def test_a_caller_holding_the_capability_gets_past_the_check(
    api: Api, members: dict[Role, Caller], capability: str
) -> None:
    probe = probes()[capability]
    body = await call(api, caller(capability, held=True, members=members), probe)
    # Past the check, a call on a row that does not exist is NOT_FOUND or INVALID_ID at most.
    assert set(error_codes(body)) <= {"NOT_FOUND", "INVALID_ID"}, body
    assert error_codes(body) or body["data"] is not None, body


async def test_street_events_refuse_a_member_without_event_read_and_reach_one_with_it(
    api: Api, services: Services, members: dict[Role, Caller], live_url: str
) -> None:
    lacker = caller("event:read", held=False, members=members)
    async with live.socket(live_url, await api.login(lacker.username), None) as ws:
        await ws.subscribe("1", live.STREET_EVENTS)
        message = await ws.receive()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["FORBIDDEN"]

    admin = members[Role.STREET_ADMIN]
    holder = caller("event:read", held=True, members=members)
    code = f"c-{secrets.token_hex(3)}"
    async with live.socket(live_url, await api.login(holder.username), None) as ws:
        await ws.subscribe("1", live.STREET_EVENTS, types=["community.created"])
        created = await api.gql(
            f'mutation {{ createCommunity(input: {{code: "{code}", name: "事件测试"}}) '
            "{ __typename } }",
            token=await api.login(admin.username),
        )
        assert created["data"]["createCommunity"]["__typename"] == "CreateCommunitySuccess"
        event = (await ws.next("1"))["streetEvents"]
    assert event["type"] == "community.created"
    assert event["payload"]["code"] == code
