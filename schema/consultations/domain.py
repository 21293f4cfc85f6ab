"""The consultations domain (小区协商铃): rings, nine recorded steps, parties and invitations,
meetings with QR check-in and minutes, the case library, the bell work log."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import DomainError
from policies.capabilities import consultations as capabilities
from resolvers.consultations import library
from resolvers.consultations.codes import ConsultationCode
from resolvers.consultations.common import require_consultation
from resolvers.consultations.deadlines import BellDomainSettings, step_deadline_scanner
from resolvers.consultations.demo import load_bell_demo
from resolvers.consultations.panel import consultations_panel
from resolvers.panels import PanelKind
from resolvers.services import Services
from schema.caller import caller
from schema.consultations.library import LibraryMutation, LibraryQuery
from schema.consultations.mutations import ConsultationsMutation
from schema.consultations.queries import BellSettingsMutation, ConsultationsQuery
from schema.consultations.subscriptions import ConsultationsSubscription
from schema.consultations.types import Consultation
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can


async def _consultation(info: Info, pk: int) -> Consultation | None:
    try:
        row = await require_consultation(caller(info), pk)
    except DomainError:
        return None
    return Consultation.from_model(row)


def _tasks(services: Services) -> Sequence[Task]:
    return (step_deadline_scanner(services),)


DOMAIN = Domain(
    name="consultations",
    description="The consultation bell (小区协商铃).",
    models=("models.consultations",),
    query=(ConsultationsQuery, LibraryQuery),
    mutation=(ConsultationsMutation, LibraryMutation, BellSettingsMutation),
    subscription=(ConsultationsSubscription,),
    nodes={"Consultation": NodeKind(Can(capabilities.CONSULTATION_READ), _consultation)},
    capabilities=capabilities.CAPABILITIES,
    codes=ConsultationCode,
    settings=BellDomainSettings,
    tasks=_tasks,
    demo=load_bell_demo,
    panels=(PanelKind("consultations", 20, consultations_panel),),
    reviewable=library.REVIEWABLE,
)
