"""Reading the bell: one consultation, the caller's list, the street's offices and
categories, the bell work log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import consultations as m
from policies.capabilities.consultations import (
    BELL_LOG_READ,
    CONSULTATION_READ,
)
from policies.capabilities.tenancy import STREET_UPDATE
from resolvers.consultations import settings, worklog
from resolvers.consultations.common import require_consultation
from resolvers.consultations.settings import street_bell
from resolvers.consultations.views import visible
from resolvers.pagination import keyset_page
from schema.caller import caller
from schema.consultations.enums import Step
from schema.consultations.types import BellLogEntry, Consultation
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text, text_argument
from schema.permissions import Can, field, mutation
from schema.relay import Connection, decode_id


@strawberry.type(description="A street office (六办三中心) a non-consultation matter may go to.")
class BellOffice:
    code: str
    name: str


@strawberry.type(description="Working days a step may take.")
class StepDays:
    step: Step
    working_days: int


@strawberry.type(description="What a ring may say, and the street's bell settings.")
class BellSetup:
    categories: list[str]
    offices: list[BellOffice]
    step_days: list[StepDays]
    yellow_percent: int = strawberry.field(
        description="The yellow line (黄线): this percent of a step's working time gone."
    )


BellSetupPayload = Annotated[BellSetup | InputError, strawberry.union("BellSetupPayload")]


async def _setup() -> BellSetup:
    bell = await street_bell()
    return BellSetup(
        categories=list(bell.categories),
        offices=[BellOffice(code=c, name=n) for c, n in bell.offices.items()],
        step_days=[StepDays(step=s, working_days=n) for s, n in bell.step_days.items()],
        yellow_percent=bell.yellow_percent,
    )


@strawberry.type
class ConsultationsQuery:
    @field(requires=Can(CONSULTATION_READ), description="One consultation (协商事项).")
    async def consultation(self, info: Info, id: strawberry.ID) -> Consultation:
        found = await require_consultation(caller(info), decode_id(id, "Consultation", "id"))
        return Consultation.from_model(found)

    @field(
        requires=Can(CONSULTATION_READ),
        description="The consultations I may see, newest first: my own rings and those I am "
        "invited to, my community's (community staff), or the street's (street staff).",
    )
    async def consultations(
        self,
        info: Info,
        step: list[Step] | None = None,
        community_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Consultation]:
        query = visible(caller(info))
        if step:
            query = query.filter(step__in=list(step))
        if community_id is not None:
            query = query.filter(community_id=decode_id(community_id, "Community", "communityId"))
        page = await keyset_page(
            query, first, after, info.context.services.settings.max_page_size, newest_first=True
        )
        return Connection.from_page(page, Consultation.from_model)

    @field(
        requires=Can(CONSULTATION_READ),
        description="The street's categories and offices (for the ring form and acceptance).",
    )
    async def bell_setup(self, info: Info) -> BellSetup:
        return await _setup()

    @field(
        requires=Can(BELL_LOG_READ),
        description="协商铃工作日志: the street's bell work, newest first (grid staff: their own).",
    )
    async def bell_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BellLogEntry]:
        page = await keyset_page(
            worklog.visible_log(caller(info)),
            first,
            after,
            info.context.services.settings.max_page_size,
            newest_first=True,
        )
        return Connection.from_page(page, BellLogEntry.from_model)


@strawberry.input(description="A street office (六办三中心).")
class BellOfficeInput:
    code: str = text(m.Consultation, "office")
    name: str = text(max=m.OFFICE_NAME_MAX_LENGTH)


@strawberry.input(description="Working days a step may take, by the step it leads to.")
class StepDaysInput:
    step: Step
    working_days: int


@strawberry.type
class BellSettingsMutation:
    @mutation(
        requires=Can(STREET_UPDATE),
        description="The street's own bell settings: offices for non-consultation matters, "
        "categories, the working days each step may take and the yellow line, in percent "
        "of them (given parts only).",
    )
    async def update_bell_settings(
        self,
        info: Info,
        offices: list[BellOfficeInput] | None = None,
        categories: Annotated[list[str] | None, text_argument(m.Consultation, "category")] = None,
        step_days: list[StepDaysInput] | None = None,
        yellow_percent: int | None = None,
    ) -> BellSetupPayload:
        await settings.save(
            caller(info),
            [(o.code, o.name) for o in offices] if offices is not None else None,
            list(categories) if categories is not None else None,
            {d.step: d.working_days for d in step_days} if step_days is not None else None,
            yellow_percent,
        )
        return await _setup()
