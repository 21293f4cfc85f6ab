"""One way to refuse an input (``Refused``): a mutation answers with its payload's typed error
and changes nothing (no row, no audit entry, no event); a query answers with a GraphQL error
carrying the code; denied access stays a GraphQL error, never a typed one."""

from __future__ import annotations

from datetime import timedelta

from tortoise import Tortoise

from core.errors import ErrorCode, Refused
from models.accounts import Membership, Role
from models.people import Tag
from models.scoping import unscoped
from resolvers.events import changing
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.projects.support import call, create_project, project_street, today
from tests.support import Api, add_member, error_codes, gid, make_street
from tests.votes.support import cast, marks, new_key, open_vote, vote_street

TYPED = "__typename ... on UserError { code field message }"


# Written by the background relay and the audit sequencer at their own pace (the head of each
# street's stream, made when a street's first event is sequenced; each street's tree, its
# nodes and signed checkpoints, grown from entries whichever test wrote them): not the
# request's doing.
BACKGROUND = {"EventStream", "AuditNode", "AuditTree", "AuditCheckpoint", "DistrictCheckpoint"}


async def everything() -> dict[str, int]:
    """How many rows every model holds (audit entries and outbox events included)."""
    with unscoped("a test counts every street's rows"):
        return {
            name: await model.all().count()
            for name, model in sorted(Tortoise.apps["gongzhi"].items())
            if name not in BACKGROUND
        }


async def refused(
    api: Api, username: str, password: str | None, query: str, variables: dict, **kw: str
) -> dict:
    """Run a refused mutation and check that it changed nothing; return its typed error."""
    token = await api.login(username, *([password] if password else []))  # a session
    before = await everything()
    body = await api.gql(query, variables, token=token, **kw)
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert await everything() == before
    return result


async def test_accounts_refusal_inside_the_transaction(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    with unscoped("test set-up"):
        only = await Membership.get(tenant_id=street.street_id, role=Role.STREET_ADMIN)
    query = f"mutation($id: ID!) {{ revokeRole(input: {{membershipId: $id}}) {{ {TYPED} }} }}"
    result = await refused(
        api,
        street.admin_username,
        street.admin_password,
        query,
        {"id": gid("Membership", only.id)},
    )
    assert result["__typename"] == "InputError"
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", "membershipId")


async def test_places_refusal(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    query = (
        'mutation($c: ID!) { createGrid(input: {communityId: $c, code: "g1", name: "又一格"})'
        f" {{ {TYPED} }} }}"
    )
    result = await refused(
        api,
        street.admin_username,
        street.admin_password,
        query,
        {"c": gid("Community", street.community_id)},
        lang="en",
    )
    assert (result["code"], result["field"]) == ("ALREADY_EXISTS", "code")
    assert "g1" in result["message"]


async def test_people_refusal(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    with street_scope(street.street_id):
        taken = (await Tag.all().order_by("id").first()).name  # a default tag of every street
    query = f"mutation($n: String!) {{ createTag(input: {{name: $n}}) {{ {TYPED} }} }}"
    result = await refused(
        api, street.admin_username, street.admin_password, query, {"n": f" {taken} "}
    )
    assert (result["code"], result["field"]) == ("ALREADY_EXISTS", "name")


async def test_projects_refusal_inside_the_transaction(api: Api, services: Services) -> None:
    ps = await project_street(services, "rf")
    project = await create_project(api, ps, services, budget="100.00")
    query = (
        "mutation($p: ID!, $on: Date!) { recordDisbursement(input: {projectId: $p, "
        f'amount: "150.00", paidOn: $on, purpose: "材料"}}) {{ {TYPED} }} }}'
    )
    on = (today(services) - timedelta(days=1)).isoformat()
    result = await refused(api, ps.department.username, None, query, {"p": project, "on": on})
    assert (result["code"], result["field"]) == ("OVER_BUDGET", "overBudgetReason")
    body = await call(
        api, ps.leader, "query($id: ID!) { project(id: $id) { spent } }", {"id": project}
    )
    assert body["data"]["project"]["spent"] == "0.00"


async def test_votes_refusal_inside_the_transaction(api: Api, services: Services) -> None:
    """Refused inside the ballot's transaction (the claim on the electorate finds no row)."""
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    line = vote["items"][0]["id"]
    await api.login(vs.resident.username)
    before = await everything()
    result = await cast(api, vs.resident, vote["id"], marks((line, "YES")), new_key())
    assert (result["__typename"], result["code"]) == ("InputError", "NOT_ON_ELECTORATE")
    assert await everything() == before


async def test_notices_and_inbox_refusals(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    send = f'mutation {{ sendNotice(input: {{title: "停水", body: "   "}}) {{ {TYPED} }} }}'
    sent = await refused(api, street.admin_username, street.admin_password, send, {})
    assert (sent["code"], sent["field"]) == ("BAD_USER_INPUT", "body")
    mark = f"mutation {{ markNotificationsRead(input: {{}}) {{ {TYPED} }} }}"
    marked = await refused(api, street.admin_username, street.admin_password, mark, {})
    assert (marked["code"], marked["field"]) == ("BAD_USER_INPUT", "ids")


async def test_an_unknown_id_in_a_mutation_is_a_typed_error(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    query = (
        'mutation($c: ID!) { createGrid(input: {communityId: $c, code: "g9", name: "九格"})'
        f" {{ {TYPED} }} }}"
    )
    wrong_kind = gid("Grid", street.grid_id)  # a real ID, of the wrong type
    result = await refused(
        api, street.admin_username, street.admin_password, query, {"c": wrong_kind}
    )
    assert (result["__typename"], result["code"], result["field"]) == (
        "InputError",
        "NOT_FOUND",
        "communityId",
    )


async def test_a_refusal_in_a_query_is_a_graphql_error_with_its_code(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "rf")
    token = await api.login(street.admin_username, street.admin_password)
    body = await api.gql("{ communities(first: -1) { totalCount } }", token=token, lang="en")
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert error["message"] == f"At most {services.settings.max_page_size} items per page."


async def test_denied_access_is_never_a_typed_error(api: Api, services: Services) -> None:
    street = await make_street(services, "rf")
    query = (
        'mutation($c: ID!) { createGrid(input: {communityId: $c, code: "g8", name: "八格"})'
        f" {{ {TYPED} }} }}"
    )
    variables = {"c": gid("Community", street.community_id)}
    resident = await add_member(services, street.street_id, Role.RESIDENT)
    token = await api.login(resident.username)
    before = await everything()
    anonymous = await api.gql(query, variables)
    assert anonymous["data"] is None and error_codes(anonymous) == ["UNAUTHENTICATED"]
    denied = await api.gql(query, variables, token=token)
    assert denied["data"] is None and error_codes(denied) == ["FORBIDDEN"]
    assert await everything() == before


async def test_a_refusal_inside_changing_rolls_back_what_it_wrote(services: Services) -> None:
    """What the change wrote before the refusal (a row, its audit entry, its event) is gone."""
    street = await make_street(services, "rf")
    before = await everything()
    try:
        with street_scope(street.street_id):
            async with changing(services, None) as change:
                tag = await Tag.create(name="临时")
                await change.record("tag.created", gid("Tag", tag.id), {"name": tag.name})
                raise Refused(ErrorCode.BAD_USER_INPUT, "input.required", "name")
    except Refused as refusal:
        assert (refusal.code, refusal.field) == (ErrorCode.BAD_USER_INPUT, "name")
    else:
        raise AssertionError("the refusal was swallowed")
    assert await everything() == before
