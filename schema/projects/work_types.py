"""What the department reports on a project: milestones, progress updates, photos, payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from models import projects as m
from models.accounts import User as UserRow
from policies.capabilities.projects import PROJECT_PEOPLE_READ
from resolvers.projects.views import load_update_photos, load_vouchers
from schema.accounts.types import Account
from schema.context import Info
from schema.permissions import Can, field
from schema.relay import Node, to_global_id
from schema.uploads import StoredFile

PEOPLE = Can(PROJECT_PEOPLE_READ)


async def _account(info: Info, user_id: int | None) -> Account | None:
    if user_id is None:
        return None
    row = await info.context.loaders.by_id(UserRow).load(user_id)
    return Account.from_model(row) if row else None


@strawberry.type(description="A checked image (JPEG, PNG or WebP) under the upload directory.")
class Photo(StoredFile):
    path: str = strawberry.field(description="Relative to the server's upload directory.")

    @classmethod
    def from_model(cls, row: m.Photo) -> Photo:
        return cls(path=row.path, content_type=row.content_type, size=row.size, sha256=row.sha256)


@strawberry.type(description="里程碑: a step of a project with a planned date and a weight.")
class Milestone(Node):
    title: str
    planned_date: date
    done_date: date | None
    weight: int
    project_id: strawberry.Private[int]

    @strawberry.field(description="Done, or still open.")
    def done(self) -> bool:
        return self.done_date is not None

    @classmethod
    def from_model(cls, row: m.Milestone) -> Milestone:
        return cls(
            id=to_global_id("Milestone", row.id),
            title=row.title,
            planned_date=row.planned_date,
            done_date=row.done_date,
            weight=row.weight,
            project_id=row.project_id,
        )


@strawberry.type(description="进展: a progress report of the department, with photos.")
class ProgressUpdate(Node):
    body: str
    publication: m.Publication = strawberry.field(
        description="PUBLISHED, or IN_REVIEW / REJECTED by the street's review (审核): only its "
        "author and the project's managers see it then."
    )
    created_at: datetime
    pk: strawberry.Private[int]
    author_id: strawberry.Private[int | None]

    @field(requires=PEOPLE, description="Who reported it.")
    async def author(self, info: Info) -> Account | None:
        return await _account(info, self.author_id)

    @strawberry.field(description="Its photos.")
    async def photos(self, info: Info) -> list[Photo]:
        return [
            Photo.from_model(p)
            for p in await info.context.loaders.of(load_update_photos).load(self.pk)
        ]

    @classmethod
    def from_model(cls, row: m.ProgressUpdate) -> ProgressUpdate:
        return cls(
            id=to_global_id("ProgressUpdate", row.id),
            body=row.body,
            publication=row.publication,
            created_at=row.created_at,
            pk=row.id,
            author_id=row.author_id,
        )


@strawberry.type(description="资金使用: one payment out of the project's budget.")
class Disbursement(Node):
    amount: Decimal
    paid_on: date
    purpose: str
    over_budget: bool = strawberry.field(description="It took spending over the budget.")
    over_budget_reason: str
    pk: strawberry.Private[int]

    @strawberry.field(description="The voucher photo, if one was given.")
    async def voucher(self, info: Info) -> Photo | None:
        row = await info.context.loaders.of(load_vouchers).load(self.pk)
        return Photo.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: m.Disbursement) -> Disbursement:
        return cls(
            id=to_global_id("Disbursement", row.id),
            amount=row.amount,
            paid_on=row.paid_on,
            purpose=row.purpose,
            over_budget=row.over_budget,
            over_budget_reason=row.over_budget_reason,
            pk=row.id,
        )
