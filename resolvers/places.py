"""Communities and grids of the current street (社区、网格)."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import User
from models.columns import max_length
from models.tenancy import Community, Grid, Street
from resolvers.events import changing
from resolvers.pagination import Page, PageKey, keyset_page, keyset_pages
from resolvers.services import Services
from tenants.scoping import get_in_street


def _check_place(code: str, name: str) -> None:
    validators.code(code)
    validators.text(name, "name", max_length(Community, "name"))


async def list_communities(
    services: Services, first: int | None, after: str | None
) -> Page[Community]:
    return await keyset_page(Community.all(), first, after, services.settings.max_page_size)


async def list_grids(
    services: Services, community_id: int | None, first: int | None, after: str | None
) -> Page[Grid]:
    query = Grid.all()
    if community_id is not None:
        query = query.filter(community_id=community_id)
    return await keyset_page(query, first, after, services.settings.max_page_size)


async def load_grid_pages(keys: Sequence[PageKey]) -> list[Page[Grid]]:
    """The grids of many communities, a page each."""
    return await keyset_pages(Grid.all(), "community_id", keys)


async def require_community(community_id: int) -> Community:
    """A community ID from a client: one of another street is not found (``NOT_FOUND``)."""
    return await get_in_street(Community, community_id)


async def create_community(services: Services, actor: User, code: str, name: str) -> Community:
    code = code.strip().lower()
    _check_place(code, name)
    if await Community.exists(code=code):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
    try:
        async with changing(services, actor) as change:
            row = await Community.create(code=code, name=name.strip())
            await change.record(
                "community.created",
                to_global_id("Community", row.id),
                {"code": row.code, "name": row.name},
            )
        return row
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code) from exc


async def create_grid(
    services: Services, actor: User, community_id: int, code: str, name: str
) -> Grid:
    code = code.strip().lower()
    _check_place(code, name)
    community = await Community.filter(id=community_id).first()
    if community is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.community_not_found", "communityId")
    if await Grid.exists(code=code):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
    try:
        async with changing(services, actor) as change:
            row = await Grid.create(community=community, code=code, name=name.strip())
            await change.record(
                "grid.created",
                to_global_id("Grid", row.id),
                {
                    "code": row.code,
                    "name": row.name,
                    "community": to_global_id("Community", community.id),
                },
            )
        return row
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code) from exc


async def rename_street(services: Services, actor: User, street: Street, name: str) -> Street:
    validators.text(name, "name", max_length(Street, "name"))
    before = street.name
    async with changing(services, actor, street.id) as change:
        street.name = name.strip()
        await street.save(update_fields=["name"])
        await change.record(
            "street.renamed",
            to_global_id("Street", street.id),
            {"name": street.name, "previousName": before},
        )
    await services.streets.changed([street.id])
    return street


async def district_streets(street: Street) -> list[Street]:
    return await Street.filter(district_id=street.district_id).order_by("code")


async def all_streets() -> list[Street]:
    return await Street.all().order_by("code")
