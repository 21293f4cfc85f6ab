"""Every input bounded at the edge (``schema/inputs.py``, ``docs/inputs.md``): each way a
request once reached the database unchecked (an ID beyond its column, text longer than its
column, a NUL or a lone surrogate, a time without a zone or in year 9999, a running total
beyond the money column, JSON a thousand levels deep, a signed link's expiry of 5,000 digits)
now answers a typed error, and changes nothing."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.fields import BigIntField

from core.ids import BIGINT_TYPES
from core.settings import Settings
from gongzhi.platform import make_schema
from models.scoping import unscoped
from models.tenancy import Community
from resolvers.services import Services
from schema.errors import LAST_RESORT, last_resort
from schema.extensions import format_error
from schema.inputs import undeclared_texts
from tests.people.support import add_resident
from tests.platform.test_refusals import everything
from tests.projects.support import ProjectStreet, project_street, running_project, today
from tests.support import Api, error_codes, gid

TYPED = "__typename ... on UserError { code field }"
CARD = f"query($t: String!) {{ contactCard(token: $t) {{ {TYPED} }} }}"


def raw_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


async def post(api: Api, query: str, variables: dict[str, Any], token: str | None = None) -> dict:
    """The request as a client library that escapes non-ASCII sends it (``\\ud800`` as is)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables})  # ensure_ascii: "\\ud800"
    response = await api.client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def refused(api: Api, query: str, variables: dict, token: str | None = None) -> dict:
    """A mutation's typed error (or a query's error), with nothing changed in any street."""
    before = await everything()
    body = await post(api, query, variables, token)
    assert await everything() == before
    if body.get("errors"):
        (error,) = body["errors"]
        assert body.get("data") is None or next(iter(body["data"].values())) is None, body
        return {"code": error["extensions"]["code"], "field": error["extensions"].get("field")}
    (result,) = body["data"].values()
    assert result["__typename"] == "InputError", body
    return {"code": result["code"], "field": result["field"]}


@pytest.fixture(scope="module")
async def ps(services: Services) -> ProjectStreet:
    return await project_street(services, "in")


async def admin_token(api: Api, ps: ProjectStreet) -> str:
    return await api.login(ps.street.admin_username, ps.street.admin_password)


# -- the declarations --------------------------------------------------------------------


def test_every_text_input_declares_its_maximum_length(settings: Settings) -> None:
    undeclared = list(undeclared_texts(make_schema(settings)))
    assert not undeclared, (
        'declare each one\'s maximum length: `name: str = text(Model, "column")` on an '
        "input field, `Annotated[str, text_argument(...)]` on an argument "
        f"(docs/inputs.md): {undeclared}"
    )


def test_the_bigint_id_types_are_the_models_with_a_bigint_key(app: Any, settings: Settings) -> None:
    schema = make_schema(settings)
    node_types = set(schema.schema_converter.type_map)
    bigint = {
        name
        for name, model in Tortoise.apps["gongzhi"].items()
        if isinstance(model._meta.pk, BigIntField) and name in node_types
    }
    # audit entries and checkpoints have no global ID
    assert bigint <= BIGINT_TYPES | {"AuditEntry", "AuditCheckpoint"}, bigint


# -- global IDs and cursors ----------------------------------------------------------------


BEYOND = ["Tag:2147483648", "Tag:9223372036854775808", "Tag:" + "9" * 5000, "Tag:²", "Tag:0"]


@pytest.mark.parametrize("text", BEYOND, ids=["int32", "int64", "5000-digits", "superscript", "0"])
async def test_an_id_beyond_its_column_is_invalid(api: Api, ps: ProjectStreet, text: str) -> None:
    query = f"mutation($i: RenameTagInput!) {{ renameTag(input: $i) {{ {TYPED} }} }}"
    variables = {"i": {"tagId": raw_id(text), "name": "新名字"}}
    assert await refused(api, query, variables, await admin_token(api, ps)) == {
        "code": "INVALID_ID",
        "field": "tagId",
    }


@pytest.mark.parametrize(
    "query",
    [
        "query($id: ID!) { voteBulletinBoard(id: $id) { title } }",
        'query($id: ID!) { checkVoteReceipt(id: $id, receipt: "ABCD") { receiptHash } }',
        "query($id: ID!) { node(id: $id) { id } }",
    ],
    ids=["voteBulletinBoard", "checkVoteReceipt", "node"],
)
async def test_a_query_id_beyond_its_column_is_invalid(
    api: Api, ps: ProjectStreet, query: str
) -> None:
    found = await refused(api, query, {"id": raw_id("Vote:2147483648")}, await admin_token(api, ps))
    assert found["code"] == "INVALID_ID"


@pytest.mark.parametrize("cursor", ["k:2147483648", "k:" + "9" * 5000, "k:-1", "k:1e3"])
async def test_a_cursor_beyond_its_column_is_refused(
    api: Api, ps: ProjectStreet, cursor: str
) -> None:
    query = "query($a: String) { communities(first: 2, after: $a) { totalCount } }"
    after = base64.urlsafe_b64encode(cursor.encode()).decode()
    assert await refused(api, query, {"a": after}, await admin_token(api, ps)) == {
        "code": "BAD_USER_INPUT",
        "field": "after",
    }


# -- text ----------------------------------------------------------------------------------


async def test_text_longer_than_its_column_is_refused(api: Api, ps: ProjectStreet) -> None:
    assert await refused(api, CARD, {"t": "x" * 65}) == {"code": "BAD_USER_INPUT", "field": "token"}
    login = (
        f'mutation($u: String!) {{ login(input: {{username: $u, password: "x"}}) {{ {TYPED} }} }}'
    )
    assert await refused(api, login, {"u": "a" * 65}) == {
        "code": "BAD_USER_INPUT",
        "field": "username",
    }
    trail = "query($s: ID!) { auditTrail(subject: $s) { totalCount } }"
    found = await refused(api, trail, {"s": "x" * 121}, await admin_token(api, ps))
    assert found == {"code": "INVALID_ID", "field": "subject"}


@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "a\u0000b"], ids=["high", "low", "nul"])
async def test_unstorable_characters_are_refused_naming_the_field(
    api: Api, services: Services, ps: ProjectStreet, bad: str
) -> None:
    admin = await admin_token(api, ps)
    tag = f"mutation($i: CreateTagInput!) {{ createTag(input: $i) {{ {TYPED} }} }}"
    assert await refused(api, tag, {"i": {"name": bad}}, admin) == {
        "code": "BAD_USER_INPUT",
        "field": "name",
    }
    compound = f"mutation($i: CreateCompoundInput!) {{ createCompound(input: $i) {{ {TYPED} }} }}"
    variables = {"i": {"communityId": gid("Community", ps.street.community_id), "name": bad}}
    assert (await refused(api, compound, variables, admin))["field"] == "name"
    assert await refused(api, CARD, {"t": bad}) == {"code": "BAD_USER_INPUT", "field": "token"}
    handler = await api.login(ps.department.username)
    project = await running_project(api, ps, services)
    update = (
        f"mutation($i: PostProgressUpdateInput!) {{ postProgressUpdate(input: $i) {{ {TYPED} }} }}"
    )
    variables = {"i": {"projectId": project, "body": f"进展{bad}"}}
    assert (await refused(api, update, variables, handler))["field"] == "body"


async def test_a_nested_text_is_named_by_its_path(api: Api, ps: ProjectStreet) -> None:
    staff = await api.login(ps.leader.username)
    query = f"mutation($i: CreateProjectInput!) {{ createProject(input: $i) {{ {TYPED} }} }}"
    variables = {
        "i": {
            "title": "t",
            "category": "c",
            "department": "d",
            "plannedStart": "2026-01-01",
            "plannedEnd": "2026-02-01",
            "budget": "1.00",
            "source": {"kind": "CASE", "reference": "x" * 201},
        }
    }
    assert await refused(api, query, variables, staff) == {
        "code": "BAD_USER_INPUT",
        "field": "source.reference",
    }


# -- times, dates, months ----------------------------------------------------------------


RECORD_VISIT = f"mutation($i: RecordVisitInput!) {{ recordVisit(input: $i) {{ {TYPED} }} }}"


@pytest.mark.parametrize(
    "at",
    ["2026-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"],
    ids=["naive", "year-1", "year-9999"],
)
async def test_a_visit_time_needs_a_zone_and_a_sane_year(
    api: Api, services: Services, at: str
) -> None:
    from tests.people.support import people_street

    s = await people_street(api, services, "iv")
    resident = await add_resident(services, s.id, s.grid1)
    variables = {
        "i": {"residentId": gid("Resident", resident.id), "findings": "好", "visitedAt": at}
    }
    assert await refused(api, RECORD_VISIT, variables, s.chief_token) == {
        "code": "BAD_USER_INPUT",
        "field": "visitedAt",
    }


CREATE_VOTE = f"mutation($i: VoteInput!) {{ createVote(input: $i) {{ {TYPED} }} }}"


@pytest.mark.parametrize(
    ("field", "at"),
    [
        ("closesAt", "2026-06-01T09:00:00"),
        ("closesAt", "9999-12-31T23:59:59-12:00"),
        ("opensAt", "0001-01-01T00:00:00+14:00"),
    ],
    ids=["naive", "year-9999", "year-1"],
)
async def test_a_vote_time_needs_a_zone_and_a_sane_year(
    api: Api, services: Services, field: str, at: str
) -> None:
    from models.accounts import Role
    from tests.support import add_member

    street = await project_street(services, "iw")
    staff = await add_member(services, street.street.street_id, Role.CONGRESS_STAFF)
    variables = {
        "i": {
            "kind": "RESOLUTION",
            "title": "议题",
            "electorate": {"kind": "REPRESENTATIVES"},
            field: at,
        }
    }
    found = await refused(api, CREATE_VOTE, variables, await api.login(staff.username))
    assert found == {"code": "BAD_USER_INPUT", "field": field}


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1899-12"])
async def test_a_month_out_of_range_is_refused(api: Api, ps: ProjectStreet, month: str) -> None:
    query = "query($m: String!) { visitCounts(month: $m) { visits } }"
    assert await refused(api, query, {"m": month}, await admin_token(api, ps)) == {
        "code": "BAD_USER_INPUT",
        "field": "month",
    }


async def test_a_date_out_of_range_is_refused(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project = await running_project(api, ps, services)
    query = f"mutation($i: AddMilestoneInput!) {{ addMilestone(input: $i) {{ {TYPED} }} }}"
    variables = {"i": {"projectId": project, "title": "M", "plannedDate": "9999-12-31"}}
    found = await refused(api, query, variables, await api.login(ps.department.username))
    assert found == {"code": "BAD_USER_INPUT", "field": "plannedDate"}


# -- money -------------------------------------------------------------------------------


async def test_a_running_total_beyond_the_money_column_is_refused(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project = await running_project(api, ps, services, budget="999999999999.99")
    query = """mutation($i: RecordDisbursementInput!) { recordDisbursement(input: $i) {
        __typename ... on DisbursementSuccess { project { spent } }
        ... on UserError { code field } } }"""

    def pay(amount: str) -> dict:
        return {
            "i": {
                "projectId": project,
                "amount": amount,
                "paidOn": today(services).isoformat(),
                "purpose": "工程款",
                "overBudgetReason": "追加",
            }
        }

    department = await api.login(ps.department.username)
    first = await post(api, query, pay("999999999999.99"), department)
    assert first["data"]["recordDisbursement"]["project"]["spent"] == "999999999999.99"
    assert await refused(api, query, pay("0.01"), department) == {
        "code": "BAD_USER_INPUT",
        "field": "amount",
    }


# -- the request itself ---------------------------------------------------------------------


async def test_json_nested_a_thousand_deep_is_a_400(api: Api) -> None:
    deep = '{"a":' * 1000 + "null" + "}" * 1000
    body = '{"query": "{ me { username } }", "variables": {"x": ' + deep + "}}"
    response = await api.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("expires", ["²", "9" * 5000, "-1", "1e9"])
async def test_a_file_link_with_a_strange_expiry_is_refused(api: Api, expires: str) -> None:
    response = await api.client.get(f"/files/p/1/a.jpg?e={expires}&s=x")
    assert response.status_code == 403


# -- the last resort --------------------------------------------------------------------


async def test_a_data_error_reaching_the_edge_is_bad_input_and_logged_as_a_bug(
    services: Services, ps: ProjectStreet, caplog: pytest.LogCaptureFixture
) -> None:
    """What happens when a bound is missing (the fuzz test fails when it happens): the
    database's own refusal, answered as BAD_USER_INPUT, never an internal error."""
    from graphql import GraphQLError

    with unscoped("test: a statement no input bound stops"):
        try:
            await Community.filter(id=2**70).first()
        except Exception as exc:  # the driver's own: OverflowError, asyncpg's DataError…
            failure: BaseException = exc
        else:
            pytest.fail("the database took a key beyond 64 bits")
    caplog.set_level(logging.ERROR, "gongzhi.bounds")
    error = GraphQLError("boom", path=["communities"], original_error=failure)  # type: ignore[arg-type]
    formatted = format_error(error, "en", mask_unexpected=True)
    assert formatted.extensions == {"code": "BAD_USER_INPUT"}
    assert LAST_RESORT in caplog.text
    assert not last_resort(ValueError("a plain bug"))
    assert error_codes({"errors": [formatted.formatted]}) == ["BAD_USER_INPUT"]
