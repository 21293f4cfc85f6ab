"""The station part of each demo street: a watch-list entry, two suggestions to the demo
representative (one private, one answered with a reviewed public summary and rated), a task
with three places (one claimed), and a reception day next week. Written through the station's
own operations by the street's demo accounts, once (a street with suggestions is left alone)."""

from __future__ import annotations

from datetime import timedelta

from models.accounts import Role
from models.outreach import ContactCode
from models.station import ActivityKind, Suggestion
from resolvers.demo import DemoStreetData
from resolvers.station import activities, review, suggestions, tasks
from tenants.scoping import street_scope


async def load_station_demo(demo: DemoStreetData) -> None:
    street = demo.street
    with street_scope(street.id):
        if await Suggestion.exists():
            return
        token = f"demo-{street.code}-representative"
        if not await ContactCode.exists(token=token):
            return  # no demo card in this street
        resident = demo.as_role(Role.RESIDENT)
        representative = demo.as_role(Role.REPRESENTATIVE)
        congress = demo.as_role(Role.CONGRESS_STAFF)
        await review.add_entry(demo.as_role(Role.STREET_REVIEWER), "拆迁")
        lamp = await suggestions.write(
            resident,
            suggestions.SuggestionDraft(
                token=token,
                text="小区东门两盏路灯坏了两个月，晚上老人出行不便，希望尽快修好。",
                place="东门",
                category="市政设施",
            ),
        )
        await suggestions.answer(
            representative, lamp.id, "已联系城管中队，路灯本周修复。", "东门路灯已修复"
        )
        await suggestions.rate(resident, lamp.id, 5)
        await suggestions.write(
            resident,
            suggestions.SuggestionDraft(
                token=token,
                text="楼下商户夜间噪音扰民，希望协调。",
                category="邻里纠纷",
                private=True,
            ),
        )
        task = await tasks.post(congress, "老旧小区加装电梯意见走访", "每人走访10户并反馈", 3)
        await tasks.claim(representative, task.id)
        start = (demo.services.clock.now() + timedelta(days=7)).replace(
            minute=0, second=0, microsecond=0
        )
        await activities.publish(
            congress,
            activities.ActivityDraft(
                kind=ActivityKind.RECEPTION_DAY,
                title="代表接待日",
                place=f"{street.name}人大代表联络站",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=20,
                audience=["RESIDENTS", "REPRESENTATIVES"],
                notice="区人大代表周代表接待选民，欢迎反映意见建议。",
            ),
        )
