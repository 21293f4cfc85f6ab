"""One row of every bell model in a street, by the bell's own operations (for the
whole-model isolation test): the street's settings, a terminal, a ring taken through all nine
steps by its handler and parties (timeline, invitations, meeting, evaluation), published to
the library, a bell log entry, and a ring left past its deadline (a step warning)."""

from __future__ import annotations

from datetime import timedelta

from models.accounts import Role, User
from models.consultations import PartyKind, Step, Verdict
from models.people import Building, CommunityAssignment, Compound, GridAssignment, GridDuty
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.consultations import (
    deadlines,
    handling,
    library,
    meetings,
    parties,
    ringing,
    settings,
    worklog,
)
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.people.support import add_resident
from tests.support import StreetFixture, add_member


async def seed_bell(services: Services, fixture: StreetFixture, index: int) -> None:
    sid = fixture.street_id
    resident_user = await add_member(services, sid, Role.RESIDENT)
    staff_user = await add_member(services, sid, Role.COMMUNITY_STAFF)
    lawyer = await add_member(services, sid, Role.PROFESSIONAL)
    reviewer = await add_member(services, sid, Role.STREET_REVIEWER)
    worker = await add_member(services, sid, Role.GRID_WORKER)
    with street_scope(sid):
        street = await Street.get(id=sid)
        admin = await User.get(username=fixture.admin_username)
        compound = await Compound.create(community_id=fixture.community_id, name=f"隔离小区{index}")
        building = await Building.create(compound=compound, grid_id=fixture.grid_id, name="1幢")
        await CommunityAssignment.create(community_id=fixture.community_id, user=staff_user)
        await GridAssignment.create(grid_id=fixture.grid_id, user=worker, duty=GridDuty.WORKER)
    home = await add_resident(services, sid, fixture.grid_id, "隔离居民", user=resident_user)
    with street_scope(sid):
        home.building_id = building.id
        await home.save(update_fields=["building_id"])

        def who(user: User) -> Caller:
            return Caller(services, user, street)

        await settings.save(who(admin), None, None, {Step.ACCEPTED: 3})
        await ringing.register_terminal(who(staff_user), fixture.community_id, "社区服务中心终端")
        draft = ringing.RingDraft(
            title="隔离测试：楼道堆物",
            description="1幢楼道堆放杂物，影响通行。",
            category="物业管理",
            compound_id=compound.id,
        )
        c = await ringing.ring(who(resident_user), draft)
        staff = who(staff_user)
        await handling.accept(staff, c.id, None, "")
        await handling.invite(
            staff, c.id, [handling.PartyDraft(PartyKind.PROFESSIONAL, "律师", lawyer.id)]
        )
        await parties.answer(who(lawyer), c.id, True, "")
        await parties.give_position(who(lawyer), c.id, "依法清理。")
        starts = services.clock.now() + timedelta(minutes=1)
        await meetings.schedule(
            staff, c.id, meetings.MeetingDraft(starts, starts + timedelta(hours=1), "议事厅")
        )
        await handling.coordinate(staff, c.id, "清理楼道")
        await parties.attend(who(lawyer), c.id, True)
        await handling.confirm(staff, c.id)
        services.clock.advance(minutes=2)  # type: ignore[attr-defined]
        await handling.meet(staff, c.id, "同意清理。", [handling.Decision("一周内清理")], [])
        await parties.give_verdict(who(lawyer), c.id, Verdict.SIGNED, "")
        await handling.review(staff, c.id, "一周内清理完毕。")
        await handling.announce(staff, c.id, "楼道将于一周内清理。")
        await handling.evaluate(who(resident_user), c.id, 5, "")
        case = await library.prepare(
            staff,
            c.id,
            library.CaseText("楼道堆物清理", "楼道堆放杂物影响通行。", "协商后一周内清理。"),
        )
        await library.publish(who(reviewer), case.id, None)
        await worklog.log_work(who(worker), worklog.BellActivity.VISIT, "走访1幢", None, c.id, None)
        late = await ringing.ring(who(resident_user), draft)
        clock = services.clock
        saved = clock.current  # type: ignore[attr-defined]
        clock.advance(days=30)  # type: ignore[attr-defined]
        try:
            await deadlines.warn_consultation(services, late.id)  # or the background scanner
        finally:
            clock.current = saved  # type: ignore[attr-defined]
