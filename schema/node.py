"""``node(id:)``: any object by its global ID, inside the current street only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from core.errors import DomainError, ErrorCode
from models import people as pm
from models import projects as prj
from models import tenancy as tm
from models import votes as vm
from models.accounts import Membership as MembershipModel
from resolvers import members
from resolvers.people.access import visible_residents
from schema.accounts.types import Account, Membership
from schema.context import Info
from schema.people.common import caller
from schema.people.places import Building, Compound, GridAssignment
from schema.people.residents import Resident, Tag
from schema.permissions import Can, Requirement, field
from schema.projects.types import Project, SupervisionOpinion
from schema.projects.work_types import Milestone
from schema.relay import Node, from_global_id
from schema.tenancy.types import Community, Grid, Street
from schema.votes.types import Vote, VoteItem


@dataclass(frozen=True)
class NodeKind:
    requires: Can
    fetch: Callable[[Info, int], Awaitable[Any]]


async def _street(info: Info, pk: int) -> Street | None:
    street = info.context.viewer.require_street()
    return Street.from_model(street) if street.id == pk else None


async def _community(info: Info, pk: int) -> Community | None:
    row = await tm.Community.filter(id=pk).first()
    return Community.from_model(row) if row else None


async def _grid(info: Info, pk: int) -> Grid | None:
    row = await tm.Grid.filter(id=pk).first()
    return Grid.from_model(row) if row else None


async def _membership(info: Info, pk: int) -> Membership | None:
    row = await MembershipModel.filter(id=pk).first()
    return Membership.from_model(row) if row else None


async def _account(info: Info, pk: int) -> Account | None:
    row = await members.user_in_street(pk)
    return Account.from_model(row) if row else None


async def _compound(info: Info, pk: int) -> Compound | None:
    row = await pm.Compound.filter(id=pk).first()
    return Compound.from_model(row) if row else None


async def _building(info: Info, pk: int) -> Building | None:
    row = await pm.Building.filter(id=pk).first()
    return Building.from_model(row) if row else None


async def _grid_assignment(info: Info, pk: int) -> GridAssignment | None:
    row = await pm.GridAssignment.filter(id=pk).first()
    return GridAssignment.from_model(row) if row else None


async def _tag(info: Info, pk: int) -> Tag | None:
    row = await pm.Tag.filter(id=pk).first()
    return Tag.from_model(row) if row else None


async def _resident(info: Info, pk: int) -> Resident | None:
    who = caller(info)
    row = await (await visible_residents(who)).filter(id=pk).first()
    return Resident.from_model(row, who.sees_pii) if row else None


async def _project(info: Info, pk: int) -> Project | None:
    row = await prj.Project.filter(id=pk).first()
    return Project.from_model(row, info) if row else None


async def _milestone(info: Info, pk: int) -> Milestone | None:
    row = await prj.Milestone.filter(id=pk).first()
    return Milestone.from_model(row) if row else None


async def _opinion(info: Info, pk: int) -> SupervisionOpinion | None:
    row = await prj.Opinion.filter(id=pk).first()
    return SupervisionOpinion.from_model(row) if row else None


async def _vote(info: Info, pk: int) -> Vote | None:
    row = await vm.Vote.filter(id=pk).first()
    return Vote.from_model(row) if row else None


async def _vote_item(info: Info, pk: int) -> VoteItem | None:
    row = await vm.VoteItem.filter(id=pk).first()
    return VoteItem.from_model(row) if row else None


NODE_KINDS: dict[str, NodeKind] = {
    "Street": NodeKind(Can("street", "read"), _street),
    "Community": NodeKind(Can("place", "read"), _community),
    "Grid": NodeKind(Can("place", "read"), _grid),
    "Membership": NodeKind(Can("member", "read"), _membership),
    "Account": NodeKind(Can("member", "read"), _account),
    "Compound": NodeKind(Can("place", "read"), _compound),
    "Building": NodeKind(Can("place", "read"), _building),
    "GridAssignment": NodeKind(Can("place", "read"), _grid_assignment),
    "Tag": NodeKind(Can("tag", "read"), _tag),
    "Resident": NodeKind(Can("resident", "read"), _resident),
    "Project": NodeKind(Can("project", "read"), _project),
    "Milestone": NodeKind(Can("project", "read"), _milestone),
    "SupervisionOpinion": NodeKind(Can("project_people", "read"), _opinion),
    "Vote": NodeKind(Can("vote", "read"), _vote),
    "VoteItem": NodeKind(Can("vote", "read"), _vote_item),
}


class CanReadNode(Requirement):
    """The capability that reads the kind of object the ID names (see NODE_KINDS)."""

    def describe(self) -> str:
        kinds = ", ".join(
            f"{name}: `{kind.requires.capability}`" for name, kind in NODE_KINDS.items()
        )
        return f"Requires, by the kind of object: {kinds}."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        type_name, _ = from_global_id(str(kwargs["id"]))
        kind = NODE_KINDS.get(type_name)
        if kind is None:
            raise DomainError(ErrorCode.INVALID_ID)
        return kind.requires.has_permission(source, info)


@strawberry.type
class NodeQuery:
    @field(
        requires=CanReadNode(),
        description="Any object by its global ID (Relay), in the current street.",
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        type_name, pk = from_global_id(id)
        found = await NODE_KINDS[type_name].fetch(info, pk)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        return found
