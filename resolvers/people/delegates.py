"""Representatives (人大代表) and deliberators (议事员): profiles, groups, contact QR codes
with opaque revocable tokens, and "find my representative" (扫码找代表)."""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.columns import column, max_length
from models.outreach import (
    ContactCode,
    Delegate,
    DelegateArea,
    DelegateKind,
    DelegateLevel,
    DeliberatorGroup,
)
from models.scoping import unscoped
from models.tenancy import Community, Grid, Street
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import all_in_street, in_street, member
from resolvers.people.access import my_resident
from resolvers.services import Services
from tenants.scoping import street_scope


@dataclass(frozen=True)
class DelegateDraft:
    kind: DelegateKind
    name: str
    level: DelegateLevel | None = None
    constituency: str = ""
    liaison_station: str = ""
    introduction: str = ""
    group_id: int | None = None
    community_ids: Sequence[int] = ()
    grid_ids: Sequence[int] = ()
    user_id: int | None = None


async def create_group(caller: Caller, name: str) -> DeliberatorGroup:
    name = validators.text(name, "name", max_length(DeliberatorGroup, "name"))
    if await DeliberatorGroup.exists(name=name):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    try:
        async with changing(caller.services, caller.user) as change:
            row = await DeliberatorGroup.create(name=name)
            await change.record(
                "deliberator_group.created",
                to_global_id("DeliberatorGroup", row.id),
                {"name": name},
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc
    return row


async def create_delegate(caller: Caller, draft: DelegateDraft) -> Delegate:
    validators.text(draft.name, "name", max_length(Delegate, "name"))
    if draft.kind is DelegateKind.REPRESENTATIVE and draft.level is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "input.level_required", "level")
    validators.text(
        draft.constituency, "constituency", max_length(Delegate, "constituency"), required=False
    )
    validators.text(
        draft.liaison_station,
        "liaisonStation",
        max_length(Delegate, "liaison_station"),
        required=False,
    )
    validators.text(
        draft.introduction, "introduction", max_length(Delegate, "introduction"), required=False
    )
    if draft.group_id is not None:
        await in_street(DeliberatorGroup, draft.group_id, "groupId", "input.group_not_found")
    communities = {
        row.id
        for row in await all_in_street(
            Community, draft.community_ids, "communityIds", "input.community_not_found"
        )
    }
    grids = await all_in_street(Grid, draft.grid_ids, "gridIds", "input.grid_not_found")
    if draft.user_id is not None:  # an account of this street (never another street's)
        await member(draft.user_id, "accountId")
    async with changing(caller.services, caller.user) as change:
        delegate = await Delegate.create(
            kind=draft.kind,
            name=draft.name.strip(),
            level=draft.level,
            constituency=draft.constituency.strip(),
            liaison_station=draft.liaison_station.strip(),
            introduction=draft.introduction.strip(),
            group_id=draft.group_id,
            user_id=draft.user_id,
        )
        for community_id in sorted(communities):
            await DelegateArea.create(delegate=delegate, community_id=community_id)
        for grid in grids:
            await DelegateArea.create(
                delegate=delegate, community_id=grid.community_id, grid_id=grid.id
            )
        await change.record(
            "delegate.created",
            to_global_id("Delegate", delegate.id),
            {
                "kind": draft.kind.value,
                "name": delegate.name,
                "level": draft.level.value if draft.level else None,
                "group": to_global_id("DeliberatorGroup", draft.group_id)
                if draft.group_id
                else None,
                "communities": [to_global_id("Community", pk) for pk in sorted(communities)],
                "grids": [to_global_id("Grid", grid.id) for grid in grids],
                "account": to_global_id("Account", draft.user_id) if draft.user_id else None,
            },
        )
    return delegate


async def delegate_or_refused(pk: int) -> Delegate:
    row = await Delegate.filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.delegate_not_found", "delegateId")
    return row


async def list_delegates(kind: DelegateKind | None, group_id: int | None) -> list[Delegate]:
    query = Delegate.all()
    if kind is not None:
        query = query.filter(kind=kind)
    if group_id is not None:
        query = query.filter(group_id=group_id)
    return list(await query.order_by("kind", "id"))


async def issue_code(caller: Caller, delegate_id: int) -> ContactCode:
    """A new contact code. Its token is in the QR code, never in the audit entry or event."""
    delegate = await delegate_or_refused(delegate_id)
    async with changing(caller.services, caller.user) as change:
        code = await ContactCode.create(
            delegate=delegate, token=secrets.token_urlsafe(24), created_at=change.at
        )
        await change.record(
            "contact_code.issued",
            to_global_id("ContactCode", code.id),
            {"delegate": to_global_id("Delegate", delegate.id)},
        )
    return code


async def revoke_code(caller: Caller, code_id: int) -> ContactCode:
    """Revoking twice is not an error and records nothing the second time."""
    async with changing(caller.services, caller.user) as change:
        code = await ContactCode.filter(id=code_id).select_for_update().first()
        if code is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "codeId")
        if code.revoked_at is None:
            code.revoked_at = change.at
            await code.save(update_fields=["revoked_at"])
            await change.record(
                "contact_code.revoked",
                to_global_id("ContactCode", code.id),
                {"delegate": to_global_id("Delegate", code.delegate_id)},
            )
    return code


async def codes_of(delegate_id: int) -> list[ContactCode]:
    return list(await ContactCode.filter(delegate_id=delegate_id).order_by("id"))


def deep_link(services: Services, token: str) -> str:
    return f"{services.settings.public_base_url.rstrip('/')}/contact/{token}"


def qr_svg(link: str) -> str:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode()


def qr_png_base64(link: str) -> str:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=6)
    return base64.b64encode(out.getvalue()).decode()


@dataclass(frozen=True)
class PublicCard:
    delegate: Delegate
    street: Street
    communities: list[str]


async def public_card(token: str) -> PublicCard:
    """No sign-in: the token names its own street. A revoked token is a typed error."""
    with unscoped("a public QR token names its own street"):
        code = await ContactCode.filter(token=token.strip()).first()
    if code is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.qr_unknown", "token")
    if code.revoked_at is not None:
        raise Refused(ErrorCode.REVOKED, "input.qr_revoked", "token")
    with street_scope(code.tenant_id, writable=False):
        delegate = await Delegate.get(id=code.delegate_id)
        names = await _area_names(delegate.id)
    return PublicCard(delegate, await Street.get(id=code.tenant_id), names)


async def _area_names(delegate_id: int) -> list[str]:
    ids = await column(DelegateArea.filter(delegate_id=delegate_id), "community_id", int)
    return list(await column(Community.filter(id__in=list(set(ids))).order_by("id"), "name", str))


async def find_my_representatives(caller: Caller) -> list[PublicCard]:
    """Delegates serving my grid or my community (whole-community areas)."""
    resident = await my_resident(caller.user.id)
    if resident is None or resident.community_id is None:
        return []
    areas = await DelegateArea.filter(community_id=resident.community_id)
    ids = {a.delegate_id for a in areas if a.grid_id is None or a.grid_id == resident.grid_id}
    rows = await Delegate.filter(id__in=list(ids)).order_by("kind", "id") if ids else []
    return [PublicCard(row, caller.street, await _area_names(row.id)) for row in rows]
