"""账号继承: a leaving grid chief's grids, residents, threads and open work move to a successor
in one transaction, and the leaver loses access at once."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.errors import ErrorCode, ProblemError, problem
from models.accounts import Membership, Role
from models.people import (
    CommunityAssignment,
    GridAssignment,
    GridDuty,
    Handover,
    Message,
    MessageThread,
    Resident,
)
from resolvers.auth import revoke_all_sessions
from resolvers.people.access import Caller

STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_CHIEF,
        Role.COMMUNITY_STAFF,
        Role.STREET_REVIEWER,
        Role.STREET_DEPARTMENT,
        Role.STREET_LEADER,
        Role.STREET_ADMIN,
    }
)


@dataclass(frozen=True)
class HandoverResult:
    record: Handover
    sessions_revoked: int


async def hand_over(caller: Caller, leaver_id: int, successor_id: int) -> HandoverResult:
    if leaver_id == successor_id:
        raise ProblemError(problem(ErrorCode.BAD_USER_INPUT, "input.same_person", "successorId"))
    leaver_roles = set(await Membership.filter(user_id=leaver_id).values_list("role", flat=True))
    if Role.GRID_CHIEF not in leaver_roles:
        raise ProblemError(problem(ErrorCode.NOT_FOUND, "input.not_grid_chief", "leaverId"))
    successor_roles = set(
        await Membership.filter(user_id=successor_id).values_list("role", flat=True)
    )
    if not successor_roles & STAFF_ROLES:
        raise ProblemError(problem(ErrorCode.NOT_FOUND, "input.not_staff", "successorId"))
    now = caller.services.clock.now()
    async with in_transaction():
        grids = await GridAssignment.filter(user_id=leaver_id).select_for_update()
        moved_grids = 0
        for row in grids:
            existing = await GridAssignment.filter(
                grid_id=row.grid_id, user_id=successor_id
            ).first()
            if existing is not None:
                if row.duty is GridDuty.CHIEF and existing.duty is not GridDuty.CHIEF:
                    existing.duty = GridDuty.CHIEF
                    await existing.save(update_fields=["duty"])
                await row.delete()
            else:
                row.user_id = successor_id
                await row.save(update_fields=["user_id"])
            moved_grids += 1
        communities = 0
        for row in await CommunityAssignment.filter(user_id=leaver_id):
            if await CommunityAssignment.exists(
                community_id=row.community_id, user_id=successor_id
            ):
                await row.delete()
            else:
                row.user_id = successor_id
                await row.save(update_fields=["user_id"])
            communities += 1
        threads = 0
        for thread in await MessageThread.filter(staff_id=leaver_id):
            target = await MessageThread.filter(
                resident_id=thread.resident_id, staff_id=successor_id
            ).first()
            if target is not None:  # merge into the successor's thread with that resident
                await Message.filter(thread_id=thread.id).update(thread_id=target.id)
                await thread.delete()
            else:
                thread.staff_id = successor_id
                await thread.save(update_fields=["staff_id"])
            threads += 1
        grid_ids = [row.grid_id for row in grids]
        covered = await Resident.filter(grid_id__in=grid_ids).count() if grid_ids else 0
        if Role.GRID_CHIEF not in successor_roles and any(
            row.duty is GridDuty.CHIEF for row in grids
        ):
            await Membership.create(
                user_id=successor_id, role=Role.GRID_CHIEF, granted_by=caller.user
            )
        await Membership.filter(user_id=leaver_id).delete()
        record = await Handover.create(
            leaver_id=leaver_id,
            successor_id=successor_id,
            performed_by=caller.user,
            grids_moved=moved_grids,
            communities_moved=communities,
            threads_moved=threads,
            residents_covered=covered,
            created_at=now,
        )
    revoked = await revoke_all_sessions(caller.services, leaver_id)
    await caller.services.authorizer.assignments_changed([leaver_id, successor_id])
    return HandoverResult(record, revoked)
