"""账号继承: a leaving grid chief's grids, residents, threads and open work move to a successor
in one transaction, and the leaver loses access at once.

The hand-over's record is its entry in the street's audit chain (action ``people.handed_over``,
subject the leaver's account): who left, who took over, who did it, when, and what moved. The
entry, the moves, the end of the leaver's roles and sessions are committed together or not at
all; the authorization cache is refreshed once they are committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import Membership, Role
from models.columns import column
from models.people import (
    CommunityAssignment,
    GridAssignment,
    GridDuty,
    Message,
    MessageThread,
    Resident,
)
from resolvers.auth import revoke_all_sessions
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.members import MEMBER_EVENTS

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


HANDED_OVER = "people.handed_over"


@dataclass(frozen=True)
class HandoverResult:
    leaver_id: int
    successor_id: int
    grids_moved: int
    communities_moved: int
    threads_moved: int
    residents_covered: int
    sessions_revoked: int
    also_moved: dict[str, Any] = field(default_factory=dict)
    """What the other domains moved (their hand-over hooks), by what each returned."""


async def hand_over(caller: Caller, leaver_id: int, successor_id: int) -> HandoverResult:
    if leaver_id == successor_id:
        raise Refused(ErrorCode.BAD_USER_INPUT, "input.same_person", "successorId")
    leaver_roles = set(await column(Membership.filter(user_id=leaver_id), "role", Role))
    if Role.GRID_CHIEF not in leaver_roles:
        raise Refused(ErrorCode.NOT_FOUND, "input.not_grid_chief", "leaverId")
    successor_roles = set(await column(Membership.filter(user_id=successor_id), "role", Role))
    if not successor_roles & STAFF_ROLES:
        raise Refused(ErrorCode.NOT_FOUND, "input.not_staff", "successorId")
    async with changing(caller.services, caller.user) as change:
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
        for assignment in await CommunityAssignment.filter(user_id=leaver_id):
            if await CommunityAssignment.exists(
                community_id=assignment.community_id, user_id=successor_id
            ):
                await assignment.delete()
            else:
                assignment.user_id = successor_id
                await assignment.save(update_fields=["user_id"])
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
        also: dict[str, Any] = {}
        for hook in caller.services.hand_over_hooks:  # each domain's part, in this transaction
            also.update(await hook(change, leaver_id, successor_id))
        roles_ended = sorted(r.value for r in leaver_roles)
        await Membership.filter(user_id=leaver_id).delete()
        revoked = await revoke_all_sessions(caller.services, leaver_id)
        result = HandoverResult(
            leaver_id=leaver_id,
            successor_id=successor_id,
            grids_moved=moved_grids,
            communities_moved=communities,
            threads_moved=threads,
            residents_covered=covered,
            sessions_revoked=revoked,
            also_moved=also,
        )
        await change.record(
            HANDED_OVER,
            to_global_id("Account", leaver_id),
            {
                "leaver": to_global_id("Account", leaver_id),
                "successor": to_global_id("Account", successor_id),
                "grids": [to_global_id("Grid", pk) for pk in sorted(set(grid_ids))],
                "gridsMoved": moved_grids,
                "communitiesMoved": communities,
                "threadsMoved": threads,
                "residentsCovered": covered,
                "rolesEnded": roles_ended,
                "sessionsRevoked": revoked,
                **also,
            },
            visibility=MEMBER_EVENTS,
        )
    await caller.services.sessions.revoked(user_ids=[leaver_id])
    await caller.services.authorizer.assignments_changed([leaver_id, successor_id])
    return result
