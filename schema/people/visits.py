"""走访日志: household visits and monthly counts against the street's target."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import people as m
from policies.capabilities.people import VISIT_READ, VISIT_RECORD
from policies.capabilities.tenancy import STREET_UPDATE
from resolvers.people import visits
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import MONTH_MAX_LENGTH, text, text_argument
from schema.permissions import Can, field, mutation
from schema.relay import Node, decode_id, to_global_id


@strawberry.type(description="走访记录: one household visit.")
class VisitLog(Node):
    visited_at: datetime
    findings: str
    follow_up: str

    @classmethod
    def from_model(cls, row: m.VisitLog) -> VisitLog:
        return cls(
            id=to_global_id("VisitLog", row.id),
            visited_at=row.visited_at,
            findings=row.findings,
            follow_up=row.follow_up,
        )


@strawberry.type(description="A worker's visits in a month against the street's target.")
class WorkerVisits:
    account: Account
    visits: int
    target: int
    met: bool


@strawberry.input(description="Record a household visit (入户走访) to a resident of my grids.")
class RecordVisitInput:
    resident_id: strawberry.ID
    findings: str = text(m.VisitLog, "findings")
    follow_up: str = text(m.VisitLog, "follow_up", default="")
    visited_at: datetime | None = strawberry.field(
        default=None, description="When; now if omitted (never in the future)."
    )


@strawberry.input
class SetVisitTargetInput:
    monthly_target: int


@strawberry.type
class RecordVisitSuccess:
    visit: VisitLog


@strawberry.type
class SetVisitTargetSuccess:
    monthly_target: int


RecordVisitPayload = Annotated[
    RecordVisitSuccess | InputError, strawberry.union("RecordVisitPayload")
]
SetVisitTargetPayload = Annotated[
    SetVisitTargetSuccess | InputError, strawberry.union("SetVisitTargetPayload")
]


@strawberry.type
class VisitsQuery:
    @field(
        requires=Can(VISIT_READ),
        description="Visits per worker in a month (YYYY-MM, UTC) against the street's target "
        "(default 30). Grid staff see their own line only.",
    )
    async def visit_counts(
        self, info: Info, month: Annotated[str, text_argument(max=MONTH_MAX_LENGTH)]
    ) -> list[WorkerVisits]:
        rows = await visits.month_counts(caller(info), month)
        return [
            WorkerVisits(
                account=Account.from_model(row.user),
                visits=row.visits,
                target=row.target,
                met=row.visits >= row.target,
            )
            for row in rows
        ]


@strawberry.type
class VisitsMutation:
    @mutation(requires=Can(VISIT_RECORD), description="Record a household visit (走访).")
    async def record_visit(self, info: Info, input: RecordVisitInput) -> RecordVisitPayload:
        row = await visits.record_visit(
            caller(info),
            decode_id(input.resident_id, "Resident", "residentId"),
            input.findings,
            input.follow_up,
            input.visited_at,
        )
        return RecordVisitSuccess(visit=VisitLog.from_model(row))

    @mutation(
        requires=Can(STREET_UPDATE),
        description="Set the street's monthly visit target per worker (default 30).",
    )
    async def set_visit_target(
        self, info: Info, input: SetVisitTargetInput
    ) -> SetVisitTargetPayload:
        target = await visits.set_monthly_target(caller(info), input.monthly_target)
        return SetVisitTargetSuccess(monthly_target=target)
