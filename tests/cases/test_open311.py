"""Open311 GeoReport v2 at /open311/v2/, against the spec's field lists
(shared reference: GeoReport v2): services, a service's definition, requests (filters, the
90-day window), one request, and reporting with a street's key; every refusal is the spec's
error list with HTTP 400, 403 or 404, and changes nothing."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from core.clock import LOCAL_TZ
from models.accounts import Role, User
from models.audit import AuditEntry
from models.cases import Case, CaseCategory, CaseSource, CaseStep
from models.cases_keys import Open311Key
from models.events import Notification, OutboxEvent
from resolvers.caller import Caller
from resolvers.cases import setup
from resolvers.cases.media import Uploads
from resolvers.cases.reporting import NewCase, Reporter, file_case
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import Api, StreetFixture, add_member, error_codes, gid, make_street

V2 = "/open311/v2"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
# The spec's response fields, as its tables list them.
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
CREATED_FIELDS = {"service_request_id", "service_notice", "account_id"}
W3 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
# A square grid around the street's points (WGS 84, longitude first).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.10, 30.20], [120.20, 30.20], [120.20, 30.30], [120.10, 30.30]]],
}

ISSUE = """
mutation($name: String!) {
  issueOpen311Key(input: {name: $name}) {
    __typename
    ... on Open311KeyIssued { secret key { id name hint active } }
    ... on UserError { code field }
  }
}
"""
REVOKE = """
mutation($id: ID!) {
  revokeOpen311Key(input: {id: $id}) {
    __typename
    ... on Open311KeyRevoked { key { id active revokedAt } }
    ... on UserError { code field }
  }
}
"""
KEYS = "{ open311Keys { id name hint active } }"


class BytesUpload:
    def __init__(self, data: bytes) -> None:
        self.data = data

    async def read(self, size: int = -1) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


@dataclass
class Jurisdiction:
    street: StreetFixture
    admin: str  # the admin's token
    key: str
    key_id: str
    resident: User


@pytest.fixture(scope="module")
async def api_module(app: object) -> Any:
    import httpx

    transport = httpx.ASGITransport(app=app, client=("10.31.1.1", 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client)


@pytest.fixture(scope="module")
async def place(api_module: Api, services: Services) -> Jurisdiction:
    api = api_module
    street = await make_street(services, "o311")
    admin = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(ISSUE, {"name": "12345 热线"}, token=admin)
    issued = body["data"]["issueOpen311Key"]
    resident = await add_member(services, street.street_id, Role.RESIDENT)
    return Jurisdiction(street, admin, issued["secret"], issued["key"]["id"], resident)


def q(place: Jurisdiction, **extra: Any) -> dict[str, Any]:
    return {"jurisdiction_id": place.street.code, **extra}


async def public_case(
    services: Services, place: Jurisdiction, title: str, *, photo: bool = False, **new: Any
) -> Case:
    """A resident's case marked public, reported through the reporting operation."""
    with street_scope(place.street.street_id):
        category = await CaseCategory.get(code=new.pop("code", "city"))
        uploads = Uploads(photos=[BytesUpload(PNG)] if photo else [])
        return await file_case(
            services,
            NewCase(title=title, category_id=category.id, public=True, **new),
            Reporter(CaseSource.RESIDENT_APP, reporter_id=place.resident.id),
            uploads,
            actor=place.resident,
        )


async def counts(street_id: int) -> dict[str, int]:
    """What a refused request must leave as it was."""
    with street_scope(street_id):
        return {
            "cases": await Case.all().count(),
            "steps": await CaseStep.all().count(),
            "audit": await AuditEntry.all().count(),
            "events": await OutboxEvent.all().count(),
            "notifications": await Notification.all().count(),
            "keys": await Open311Key.all().count(),
        }


# -- services ----------------------------------------------------------------------------------


async def test_the_services_are_the_streets_categories_with_the_specs_fields(
    api_module: Api, place: Jurisdiction
) -> None:
    response = await api_module.client.get(f"{V2}/services.json", params=q(place))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    services = response.json()
    assert len(services) == 10
    assert all(set(s) == SERVICE_FIELDS for s in services)
    city = next(s for s in services if s["service_code"] == "city")
    assert (city["service_name"], city["metadata"], city["type"]) == ("城市管理", False, "realtime")
    xml = await api_module.client.get(f"{V2}/services.xml", params=q(place))
    assert xml.headers["content-type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(xml.content)
    assert root.tag == "services" and len(root) == 10
    assert {e.tag for e in root[0]} == SERVICE_FIELDS


async def test_a_services_definition_and_an_unknown_service(
    api_module: Api, place: Jurisdiction
) -> None:
    client = api_module.client
    found = await client.get(f"{V2}/services/city.json", params=q(place))
    assert found.json() == {"service_code": "city", "attributes": []}
    missing = await client.get(f"{V2}/services/NOPE.json", params=q(place))
    assert missing.status_code == 404
    ((error,),) = [missing.json()]
    assert error["code"] == 404 and "NOPE" in error["description"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"jurisdiction_id": ""}, 400), ({"jurisdiction_id": "no-such-street"}, 404)],
)
async def test_the_jurisdiction_is_required_and_must_exist(
    api_module: Api, params: dict[str, str], status: int
) -> None:
    for path in ("services.json", "requests.json", "services/city.json", "requests/1.json"):
        response = await api_module.client.get(f"{V2}/{path}", params=params)
        assert response.status_code == status, path
        assert [e["code"] for e in response.json()] == [status]


async def test_an_unknown_resource_or_format(api_module: Api, place: Jurisdiction) -> None:
    client = api_module.client
    assert (await client.get(f"{V2}/tokens/1.json", params=q(place))).status_code == 404
    bad = await client.get(f"{V2}/services.csv", params=q(place))
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    english = await client.get(
        f"{V2}/services.json", params={"jurisdiction_id": "x"}, headers={"accept-language": "en"}
    )
    assert english.json()[0]["description"] == 'jurisdiction_id "x" was not found.'
    discovery = (await client.get(f"{V2}/discovery.json")).json()
    assert discovery["endpoints"][0]["url"] == f"http://testserver{V2}"


# -- keys --------------------------------------------------------------------------------------


async def test_a_key_is_shown_once_and_only_its_hash_kept(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    assert place.key.startswith("o311_") and len(place.key) > 40
    with street_scope(place.street.street_id):
        (row,) = await Open311Key.all()
        audit = await AuditEntry.filter(action="case.open311_key_issued").values_list(
            "change", flat=True
        )
    assert row.key_hash == hashlib.sha256(place.key.encode()).hexdigest()
    assert place.key not in repr(row.__dict__) and place.key not in str(audit)
    listed = (await api_module.gql(KEYS, token=place.admin))["data"]["open311Keys"]
    assert listed == [
        {"id": place.key_id, "name": "12345 热线", "hint": place.key[:10], "active": True}
    ]
    again = await api_module.gql(ISSUE, {"name": "12345 热线"}, token=place.admin)
    assert again["data"]["issueOpen311Key"] == {
        "__typename": "InputError",
        "code": "ALREADY_EXISTS",
        "field": "name",
    }
    token = await api_module.login(place.resident.username)
    denied = await api_module.gql(ISSUE, {"name": "别的系统"}, token=token)
    assert error_codes(denied) == ["FORBIDDEN"]


# -- reporting ---------------------------------------------------------------------------------


async def test_a_hotline_reports_a_case_and_follows_it(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    client = api_module.client
    form = {
        **q(place),
        "api_key": place.key,
        "service_code": "city",
        "lat": "30.25",
        "long": "120.15",
        "address_string": "望江路 18 号",
        "description": "井盖缺失\n路口东侧，夜间危险",
        "first_name": "王",
        "last_name": "芳",
        "phone": "13800138000",
        "email": "wang@example.com",
    }
    response = await client.post(f"{V2}/requests.json", data=form)
    assert response.status_code == 200, response.text
    (created,) = response.json()
    assert set(created) == CREATED_FIELDS
    with street_scope(place.street.street_id):
        case = await Case.get(id=int(created["service_request_id"]))
        step = await CaseStep.get(case_id=case.id)
    assert (case.source, case.source_name) == (CaseSource.OPEN311, "12345 热线")
    assert (case.title, case.contact_name, case.contact_phone) == (
        "井盖缺失",
        "王 芳",
        "13800138000",
    )
    assert (case.longitude, case.latitude, case.address) == (120.15, 30.25, "望江路 18 号")
    assert step.actor_id is None

    mine = await client.get(f"{V2}/requests/{case.id}.json", params=q(place, api_key=place.key))
    (request,) = mine.json()
    assert set(request) == REQUEST_FIELDS
    assert request["status"] == "open" and request["service_code"] == "city"
    assert request["description"] == "井盖缺失\n路口东侧，夜间危险"
    assert (request["lat"], request["long"]) == (30.25, 120.15)
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3.match(request[name]), request[name]
    assert datetime.fromisoformat(request["expected_datetime"]) == case.due_at.astimezone(LOCAL_TZ)
    assert "王" not in mine.text and "13800138000" not in mine.text and "@" not in mine.text
    # Not public: without the key it is not found, and not listed.
    hidden = await client.get(f"{V2}/requests/{case.id}.json", params=q(place))
    assert hidden.status_code == 404
    listed = (await client.get(f"{V2}/requests.json", params=q(place))).json()
    assert str(case.id) not in {r["service_request_id"] for r in listed}
    xml = await client.get(f"{V2}/requests/{case.id}.xml", params=q(place, api_key=place.key))
    root = ET.fromstring(xml.content)
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert {e.tag for e in root[0]} == REQUEST_FIELDS


async def test_public_requests_show_no_person_and_a_signed_photo_link(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    client = api_module.client
    case = await public_case(
        services,
        place,
        "路灯不亮",
        photo=True,
        description="我家楼下，我是 3 栋的李雷",
        address="3 栋 2 单元",
        contact_name="李雷",
    )
    listed = (await client.get(f"{V2}/requests.json", params=q(place))).json()
    (request,) = [r for r in listed if r["service_request_id"] == str(case.id)]
    assert set(request) == REQUEST_FIELDS
    assert (request["description"], request["address"]) == ("路灯不亮", None)
    assert "李雷" not in str(listed) and "3 栋" not in str(listed)
    link = request["media_url"]
    assert link.startswith("http://testserver/files/") and "&s=" in link
    photo = await client.get(link.removeprefix("http://testserver"))
    assert (photo.status_code, photo.content) == (200, PNG)
    tampered = await client.get(link.removeprefix("http://testserver")[:-3] + "AAA")
    assert tampered.status_code == 403


async def test_request_filters_and_the_90_day_window(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    client = api_module.client
    city = await public_case(services, place, "占道经营")
    safety = await public_case(services, place, "消防通道堵塞", code="safety")
    old = await public_case(services, place, "去年的事")
    old_at = old.reported_at - timedelta(days=120)
    with street_scope(place.street.street_id):
        await Case.filter(id=old.id).update(reported_at=old_at)

    async def ids(**params: Any) -> list[str]:
        response = await client.get(f"{V2}/requests.json", params=q(place, **params))
        assert response.status_code == 200, response.text
        return [r["service_request_id"] for r in response.json()]

    ours = {str(city.id), str(safety.id), str(old.id)}
    default = await ids()
    assert str(old.id) not in default and {str(city.id), str(safety.id)} <= set(default)
    assert default == sorted(default, key=int, reverse=True)  # the latest first
    assert str(safety.id) not in await ids(service_code="city")
    assert str(safety.id) in await ids(service_code="city,safety")
    assert {str(city.id), str(safety.id)} <= set(await ids(status="open"))
    assert not ours & set(await ids(status="closed"))
    # service_request_id overrides every other argument, even the window
    assert await ids(service_request_id=f"{old.id},{city.id}", service_code="safety") == [
        str(city.id),
        str(old.id),
    ]
    then = (old_at - timedelta(days=1)).isoformat()
    assert str(old.id) in await ids(start_date=then)
    assert str(city.id) not in await ids(start_date=then)
    assert str(old.id) in await ids(end_date=(old_at + timedelta(days=1)).isoformat())


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
        {"start_date": "2026-01-01"},
        {"end_date": "tomorrow"},
        {"status": "pending"},
        {"service_request_id": "12,abc"},
    ],
)
async def test_a_bad_filter_is_a_400(
    api_module: Api, place: Jurisdiction, params: dict[str, str]
) -> None:
    response = await api_module.client.get(f"{V2}/requests.json", params=q(place, **params))
    assert response.status_code == 400
    assert [e["code"] for e in response.json()] == [400]


# -- refusals change nothing -------------------------------------------------------------------


def good_form(place: Jurisdiction) -> dict[str, str]:
    return {
        **q(place),
        "api_key": place.key,
        "service_code": "city",
        "lat": "30.25",
        "long": "120.15",
        "description": "垃圾满溢",
    }


BAD_POSTS: list[tuple[str, dict[str, str | None], int]] = [
    ("no key", {"api_key": None}, 403),
    ("a wrong key", {"api_key": "o311_" + "x" * 43}, 403),
    ("not a key", {"api_key": "let-me-in"}, 403),
    ("no service_code", {"service_code": None}, 400),
    ("an unknown service_code", {"service_code": "NOPE"}, 404),
    ("no location", {"lat": None, "long": None}, 400),
    ("only address_id", {"lat": None, "long": None, "address_id": "545483"}, 400),
    ("half a point", {"long": None}, 400),
    ("latitude out of range", {"lat": "91"}, 400),
    ("longitude out of range", {"long": "-181"}, 400),
    ("not a number", {"lat": "thirty"}, 400),
    ("a description too long", {"description": "长" * 4001}, 400),
    ("an address too long", {"address_string": "址" * 201}, 400),
    ("a bad phone", {"phone": "12"}, 400),
    ("no jurisdiction", {"jurisdiction_id": None}, 400),
    ("an unknown jurisdiction", {"jurisdiction_id": "nowhere-street"}, 404),
]


@pytest.mark.parametrize(("why", "changes", "status"), BAD_POSTS, ids=[b[0] for b in BAD_POSTS])
async def test_a_refused_report_changes_nothing(
    api_module: Api,
    place: Jurisdiction,
    why: str,
    changes: dict[str, str | None],
    status: int,
) -> None:
    form = {**good_form(place), **changes}
    before = await counts(place.street.street_id)
    response = await api_module.client.post(
        f"{V2}/requests.json", data={k: v for k, v in form.items() if v is not None}
    )
    assert response.status_code == status, (why, response.text)
    (error,) = response.json()
    assert set(error) == {"code", "description"} and error["code"] == status
    assert error["description"] and not error["description"].startswith("open311.")
    assert await counts(place.street.street_id) == before, why


async def test_another_streets_key_and_a_point_outside_every_grid(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    other = await make_street(services, "o311b")
    admin = await api_module.login(other.admin_username, other.admin_password)
    body = await api_module.gql(ISSUE, {"name": "便民 App"}, token=admin)
    foreign = body["data"]["issueOpen311Key"]["secret"]
    before = await counts(place.street.street_id)
    response = await api_module.client.post(
        f"{V2}/requests.json", data={**good_form(place), "api_key": foreign}
    )
    assert response.status_code == 403
    assert await counts(place.street.street_id) == before
    # The other street requires a point to fall in one of its grids.
    with street_scope(other.street_id):
        user = await User.get(username=other.admin_username)
        street = await services.streets.by_id(other.street_id)
        assert street is not None
        caller = Caller(services, user, street)
        await setup.set_grid_boundary(caller, other.grid_id, SQUARE)
        await setup.update_settings(caller, 80, True, 3)
    form = {**good_form(place), "jurisdiction_id": other.code, "api_key": foreign}
    before = await counts(other.street_id)
    outside = await api_module.client.post(f"{V2}/requests.json", data={**form, "lat": "31.5"})
    assert outside.status_code == 400
    assert await counts(other.street_id) == before
    inside = await api_module.client.post(f"{V2}/requests.json", data=form)
    assert inside.status_code == 200
    with street_scope(other.street_id):
        case = await Case.get(id=int(inside.json()[0]["service_request_id"]))
    assert case.grid_id == other.grid_id


async def test_a_revoked_key_reports_nothing(
    api_module: Api, services: Services, place: Jurisdiction
) -> None:
    body = await api_module.gql(ISSUE, {"name": "网格通"}, token=place.admin)
    issued = body["data"]["issueOpen311Key"]
    revoked = await api_module.gql(REVOKE, {"id": issued["key"]["id"]}, token=place.admin)
    assert revoked["data"]["revokeOpen311Key"]["key"]["active"] is False
    again = await api_module.gql(REVOKE, {"id": issued["key"]["id"]}, token=place.admin)
    assert again["data"]["revokeOpen311Key"]["code"] == "REVOKED"
    before = await counts(place.street.street_id)
    response = await api_module.client.post(
        f"{V2}/requests.json", data={**good_form(place), "api_key": issued["secret"]}
    )
    assert response.status_code == 403
    assert await counts(place.street.street_id) == before
    other = await make_street(services, "o311c")
    admin = await api_module.login(other.admin_username, other.admin_password)
    foreign = await api_module.gql(REVOKE, {"id": place.key_id}, token=admin)
    assert foreign["data"]["revokeOpen311Key"]["code"] == "NOT_FOUND"
    assert gid("Open311Key", 1).startswith("T3")  # the key's ID is a Relay global ID
