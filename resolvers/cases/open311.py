"""Open311 GeoReport v2 (开放 311 接口): how hotline systems and FixMyStreet-style apps talk to
a street. The wire format is ``open311_wire.py``; the HTTP routes ``schema/cases/open311.py``.

* One endpoint serves every street: ``jurisdiction_id`` is the street's code (required, as the
  spec asks of an endpoint serving several jurisdictions).
* Services are the street's active case categories (``service_code`` is the category's code).
* ``GET requests`` shows the cases marked public, and to a caller with the street's valid
  ``api_key`` also the cases that key's system reported. Never a person: no reporter, resident,
  contact name or phone, no private case. ``media_url`` is a signed, expiring link to the
  report's first photo.
* ``POST requests`` needs an ``api_key`` a street admin issued (``issue_key``; only its SHA-256
  is kept, the key is shown once). The case is reported through the same operation as every
  other (``reporting.file_case``), with source ``OPEN311`` and the key's name as its source's
  name; its first deadline is the request's ``expected_datetime``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.cases import Case, CaseCategory, CaseLevel, CaseMedia, CaseSource, CaseState, MediaKind
from models.cases_keys import Open311Key
from models.columns import max_length
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.cases import open311_wire as wire
from resolvers.cases.open311_wire import Open311Error, bad_request, optional
from resolvers.cases.reporting import NewCase, Reporter, file_case
from resolvers.events import changing
from resolvers.services import Services

KEY_PREFIX = "o311_"
HINT_LENGTH = 10
_CLOSED = (CaseState.RESOLVED, CaseState.CLOSED)


# -- keys ------------------------------------------------------------------------------------


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()


async def key_of(raw: str | None) -> Open311Key | None:
    """The current street's active key that ``raw`` is, or None."""
    raw = optional(raw)
    if raw is None or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    return await Open311Key.filter(key_hash=key_hash(raw), revoked_at=None).first()


def key_gid(key_id: int) -> str:
    return str(to_global_id("Open311Key", key_id))


async def issue_key(caller: Caller, name: str) -> tuple[Open311Key, str]:
    """A new key for one outside system, named (the name the cases it reports carry as their
    source); the key is returned once and only its hash kept. Two active keys of a street
    never share a name."""
    name = validators.text(name, "name", max_length(Open311Key, "name"))
    if await Open311Key.exists(name=name, revoked_at=None):
        raise Refused(ErrorCode.ALREADY_EXISTS, "open311.key_name_taken", "name", name=name)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    async with changing(caller.services, caller.user) as change:
        key = await Open311Key.create(
            tenant_id=change.street_id,
            name=name,
            key_hash=key_hash(raw),
            hint=raw[:HINT_LENGTH],
            created_by_id=caller.user.id,
            created_at=change.at,
        )
        await change.audit(
            "case.open311_key_issued", key_gid(key.id), {"name": name, "hint": key.hint}
        )
    return key, raw


async def revoke_key(caller: Caller, key_id: int) -> Open311Key:
    """Revoke a key: from now on it reports nothing (the cases it reported stay)."""
    async with changing(caller.services, caller.user) as change:
        key = await Open311Key.filter(id=key_id).select_for_update().first()
        if key is None:
            raise Refused(ErrorCode.NOT_FOUND, "open311.key_not_found", "id")
        if key.revoked_at is not None:
            raise Refused(ErrorCode.REVOKED, "open311.key_revoked", "id")
        key.revoked_at, key.revoked_by_id = change.at, caller.user.id
        await key.save(update_fields=["revoked_at", "revoked_by_id"])
        await change.audit("case.open311_key_revoked", key_gid(key.id), {"name": key.name})
    return key


async def street_keys() -> list[Open311Key]:
    """The street's keys, the newest first (revoked ones too, marked so)."""
    return await Open311Key.all().order_by("-created_at", "-id")


# -- the street ------------------------------------------------------------------------------


async def jurisdiction(services: Services, raw: str | None) -> Street:
    """The street a request is for: its code as ``jurisdiction_id``."""
    code = optional(raw)
    if code is None:
        raise bad_request("open311.jurisdiction_missing")
    street = await services.streets.by_code(code)
    if street is None:
        raise Open311Error(404, "open311.jurisdiction_unknown", {"jurisdiction": code[:60]})
    return street


# -- services --------------------------------------------------------------------------------


def _service(row: CaseCategory) -> dict[str, Any]:
    return {
        "service_code": row.code,
        "service_name": row.name,
        "description": row.description or row.name,
        "metadata": False,
        "type": "realtime",
        "keywords": row.keywords,
        "group": row.service_group or None,
    }


async def service_list() -> list[dict[str, Any]]:
    """The street's active categories as Open311 services."""
    rows = await CaseCategory.filter(active=True).order_by("sort_order", "code")
    return [_service(row) for row in rows]


async def service_definition(code: str) -> dict[str, Any]:
    """A service's definition: no extra attributes are asked (``metadata`` is false)."""
    if not await CaseCategory.exists(code=code, active=True):
        raise Open311Error(404, "open311.service_unknown", {"service_code": code[:60]})
    return {"service_code": code, "attributes": []}


# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """How a stored file becomes an absolute signed link (``media_url``)."""

    services: Services
    base_url: str

    def media(self, path: str) -> str:
        link = self.services.files.link(path, self.services.clock.now())
        return self.base_url.rstrip("/") + link


def _visible(key: Open311Key | None) -> Q:
    """Public cases, and the ones this key's system reported; never a private one."""
    seen = Q(public=True)
    if key is not None:
        seen |= Q(source=CaseSource.OPEN311, source_name=key.name)
    return seen & Q(private=False)


def _agency(case: Case, street_name: str) -> str:
    level = CaseLevel(case.level)
    if level is CaseLevel.DISTRICT and case.district_department is not None:
        return case.district_department.name
    if level is CaseLevel.STREET and case.department is not None:
        return case.department.name
    if level is CaseLevel.COMMUNITY and case.community is not None:
        return case.community.name
    if level is CaseLevel.GRID and case.grid is not None:
        return case.grid.name
    return street_name


def _request(
    case: Case, street_name: str, photo: str | None, links: Links, key: Open311Key | None
) -> dict[str, Any]:
    """One case as an Open311 request. What the key's own system sent comes back to it in
    full; a case shown only because it is public shows its title as its description, and no
    address or result note (which may name people), like the public map."""
    closed = CaseState(case.state) in _CLOSED
    updated = (case.resolved_at or case.updated_at) if closed else case.updated_at
    own = key is not None and case.source == CaseSource.OPEN311 and case.source_name == key.name
    return {
        "service_request_id": str(case.id),
        "status": "closed" if closed else "open",
        "status_notes": (case.result or None) if closed and own else None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": (case.description or case.title) if own else case.title,
        "agency_responsible": _agency(case, street_name),
        "service_notice": None,
        "requested_datetime": wire.w3(case.reported_at),
        "updated_datetime": wire.w3(updated),
        "expected_datetime": None if closed else wire.w3(case.due_at),
        "address": (case.address or None) if own else None,
        "address_id": None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": links.media(photo) if photo else None,
    }


async def _first_photos(case_ids: Sequence[int]) -> dict[int, str]:
    rows = await (
        CaseMedia.filter(case_id__in=list(case_ids), kind=MediaKind.PHOTO)
        .order_by("case_id", "id")
        .values_list("case_id", "path")
    )
    found: dict[int, str] = {}
    for case_id, path in rows:
        found.setdefault(int(case_id), str(path))
    return found


async def _serialise(
    cases: list[Case], street: Street, links: Links, key: Open311Key | None
) -> list[dict[str, Any]]:
    photos = await _first_photos([c.id for c in cases])
    return [_request(c, street.name, photos.get(c.id), links, key) for c in cases]


def _with_names(query: Any) -> Any:
    return query.select_related(
        "category", "grid", "community", "department", "district_department"
    )


async def request_list(
    params: Mapping[str, Sequence[str]],
    key: Open311Key | None,
    street: Street,
    links: Links,
    now: datetime,
) -> list[dict[str, Any]]:
    """``GET requests``: by ``service_request_id`` (which overrides every other filter), else
    by ``service_code``, ``status`` and the requested_datetime window (the latest 90 days by
    default, never longer), the latest first, at most 1,000."""
    ids = wire.request_ids(params.get("service_request_id", ()))
    query = Case.filter(_visible(key))
    if ids:
        query = query.filter(id__in=ids)
    else:
        codes = wire.listed(params.get("service_code", ()))
        statuses = wire.statuses(params.get("status", ()))
        since, until = wire.window(
            optional(_last(params, "start_date")), optional(_last(params, "end_date")), now
        )
        query = query.filter(reported_at__gte=since, reported_at__lte=until)
        if codes:
            query = query.filter(category__code__in=codes)
        if statuses == {"open"}:
            query = query.filter(state__in=[CaseState.PENDING, CaseState.HANDLING])
        elif statuses == {"closed"}:
            query = query.filter(state__in=list(_CLOSED))
    cases = await _with_names(query).order_by("-reported_at", "-id").limit(wire.MAX_REQUESTS)
    return await _serialise(list(cases), street, links, key)


def _last(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or ()
    return values[-1] if values else None


async def request_one(
    raw_id: str, key: Open311Key | None, street: Street, links: Links
) -> list[dict[str, Any]]:
    """``GET requests/{id}``: one request, as a list of one (a case the caller may not see is
    not found, like one that does not exist)."""
    if not raw_id.isdigit() or len(raw_id) > 12:
        raise Open311Error(404, "open311.request_unknown", {"id": raw_id[:40]})
    case = await _with_names(Case.filter(_visible(key), id=int(raw_id))).first()
    if case is None:
        raise Open311Error(404, "open311.request_unknown", {"id": raw_id})
    return await _serialise([case], street, links, key)


# -- reporting -------------------------------------------------------------------------------

# A refused report, by the field the reporting operation names, as Open311's parameter.
_PARAMETERS = {
    "title": "description",
    "description": "description",
    "address": "address_string",
    "location": "lat",
    "contactName": "first_name",
    "contactPhone": "phone",
    "categoryId": "service_code",
}


async def create_request(services: Services, form: Mapping[str, str]) -> list[dict[str, Any]]:
    """``POST requests``: report a case for the key's system. The key (403), the service (400
    missing, 404 unknown), the place (a point or an address, 400) and the text are checked
    before anything is written; a refusal of the reporting operation is a 400 naming the
    parameter. Returns the new request's id."""
    key = await key_of(form.get("api_key"))
    if key is None:
        raise Open311Error(403, "open311.key_invalid")
    code = optional(form.get("service_code"))
    if code is None:
        raise bad_request("open311.service_missing")
    category = await CaseCategory.filter(code=code, active=True).first()
    if category is None:
        raise Open311Error(404, "open311.service_unknown", {"service_code": code[:60]})
    point = wire.coordinates(form.get("lat"), form.get("long"))
    address = optional(form.get("address_string")) or ""
    if point is None and not address:
        if optional(form.get("address_id")):  # no master address repository here
            raise bad_request("open311.address_id_unknown")
        raise bad_request("open311.location_missing")
    description = optional(form.get("description")) or ""
    if len(description) > wire.MAX_DESCRIPTION:
        raise bad_request("open311.description_too_long", max=wire.MAX_DESCRIPTION)
    if len(address) > wire.MAX_ADDRESS:
        raise bad_request("open311.address_too_long", max=wire.MAX_ADDRESS)
    title = (description.splitlines()[0] if description else category.name)[:60]
    name = " ".join(
        p for p in (optional(form.get("first_name")), optional(form.get("last_name"))) if p
    )
    new = NewCase(
        title=title or category.name,
        category_id=category.id,
        description=description,
        longitude=point[1] if point else None,
        latitude=point[0] if point else None,
        address=address,
        contact_name=name[:50],
        contact_phone=optional(form.get("phone")) or "",
    )
    who = Reporter(source=CaseSource.OPEN311, source_name=key.name)
    try:
        case = await file_case(services, new, who)
    except Refused as refused:
        parameter = _PARAMETERS.get(refused.field or "", refused.field or "")
        status = 404 if refused.code == ErrorCode.NOT_FOUND else 400
        raise Open311Error(
            status, refused.message_key, {**refused.params, "parameter": parameter}
        ) from refused
    return [{"service_request_id": str(case.id), "service_notice": None, "account_id": None}]
