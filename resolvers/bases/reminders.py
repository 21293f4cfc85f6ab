"""Expiry reminders (到期提醒): the grid's staff are told once when a rented home's lease or a
floating person's residence permit ends within ``bases_reminder_days``, with any number of
workers.

The scan reads IDs and streets only, across every street, then handles each in its street's
scope and its own error boundary (``each_in_street``). A reminder is claimed by inserting its
``BaseReminder`` row (unique per kind, thing and end date) in the transaction of the
notification: of several workers, exactly one commits it, the others hit the constraint and
send nothing. A renewed lease (a new end date) is reminded again before its new end.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.exceptions import IntegrityError

from core.clock import local_date
from core.i18n import translate
from core.ids import to_global_id
from core.settings import SettingsSection
from models.bases import BaseReminder, DwellingUnit, FloatingPerson, ReminderKind, Rental
from models.columns import column
from models.people import Building, GridAssignment, Resident
from resolvers.bases.common import HOUSE_EVENTS
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic, each_in_street
from resolvers.services import Services
from tenants.scoping import unscoped


class BasesSettings(SettingsSection):
    """How early the grid is reminded of an ending lease or permit (env
    ``GONGZHI_BASES_REMINDER_DAYS``) and how often the scanner looks
    (``GONGZHI_BASES_SCAN_SECONDS``)."""

    bases_reminder_days: int = 30
    bases_scan_seconds: float = 3600.0


async def scan_expiries(services: Services) -> int:
    """Send every lease and permit reminder that is due and not yet sent; returns how many
    this call sent."""
    today = local_date(services.clock.now())
    horizon = today + timedelta(days=services.settings.section(BasesSettings).bases_reminder_days)
    with unscoped("the expiry scanner serves every street"):
        leases = await Rental.filter(lease_end__gte=today, lease_end__lte=horizon).values_list(
            "id", "tenant_id"
        )
        permits = await FloatingPerson.filter(
            permit_expires_on__gte=today, permit_expires_on__lte=horizon
        ).values_list("id", "tenant_id")
    sent = await each_in_street("lease reminder", leases, lambda pk: _lease(services, pk))
    sent += await each_in_street("permit reminder", permits, lambda pk: _permit(services, pk))
    return sent


async def _grid_staff(grid_id: int | None) -> list[int]:
    if grid_id is None:
        return []
    return list(await column(GridAssignment.filter(grid_id=grid_id), "user_id", int))


async def _lease(services: Services, rental_id: int) -> int:
    rental = await Rental.get(id=rental_id)
    unit = await DwellingUnit.get(id=rental.unit_id)
    building = await Building.get(id=unit.building_id)
    staff = await _grid_staff(building.grid_id)
    return await _send(
        services,
        ReminderKind.LEASE,
        rental.id,
        rental.lease_end,
        to_global_id("Rental", rental.id),
        staff,
        translate("bases.lease_reminder_title", room=f"{building.name} {unit.room}"),
        translate("bases.lease_reminder_body", end=rental.lease_end.isoformat()),
    )


async def _permit(services: Services, person_id: int) -> int:
    person = await FloatingPerson.get(id=person_id)
    assert person.permit_expires_on is not None
    resident = await Resident.get(id=person.resident_id)
    staff = await _grid_staff(resident.grid_id)
    return await _send(
        services,
        ReminderKind.PERMIT,
        person.id,
        person.permit_expires_on,
        to_global_id("FloatingPerson", person.id),
        staff,
        translate("bases.permit_reminder_title", name=resident.name),
        translate("bases.permit_reminder_body", end=person.permit_expires_on.isoformat()),
    )


async def _send(
    services: Services,
    kind: ReminderKind,
    ref_id: int,
    due_on: object,
    subject: str,
    staff: list[int],
    title: str,
    body: str,
) -> int:
    if await BaseReminder.exists(kind=kind, ref_id=ref_id, due_on=due_on):
        return 0
    try:
        async with changing(services, None) as change:
            await BaseReminder.create(kind=kind, ref_id=ref_id, due_on=due_on, sent_at=change.at)
            detail = {"kind": kind.value, "dueOn": str(due_on), "notified": len(staff)}
            await change.record("house.expiry_reminded", subject, detail, visibility=HOUSE_EVENTS)
            await notify(change, staff, f"bases.{kind.value.lower()}_expiry", title, body, subject)
    except IntegrityError:
        return 0  # another worker sent it
    return 1


def expiry_scanner(services: Services) -> Periodic:
    """The background task of each worker that runs ``scan_expiries``."""
    return Periodic(
        "bases-expiry-scanner",
        lambda: scan_expiries(services),
        services.settings.section(BasesSettings).bases_scan_seconds,
    )
