"""The accounts domain's enums in GraphQL, each registered once with its description;
the domain's schema modules import them from here."""

from __future__ import annotations

import strawberry

from models.accounts import Role

strawberry.enum(
    Role,
    name="Role",
    description="A role held in a street (or a district, or the platform). "
    "RESIDENT 居民 · BUILDING_CHIEF 楼道长 · GRID_WORKER 网格员 · GRID_CHIEF 网格长 · "
    "COMMUNITY_STAFF 社区两委 · STREET_REVIEWER 街道片区审核员 · STREET_DEPARTMENT 街道科室 · "
    "STREET_LEADER 街道领导 · STREET_ADMIN 街道系统管理员 · DISTRICT_DEPARTMENT 区级部门 · "
    "DISTRICT_ADMIN 区综合指挥中心 · REPRESENTATIVE 人大代表 · DELIBERATOR 议事员 · "
    "CONGRESS_STAFF 人大工委 · PROFESSIONAL 专业人士 · DISPLAY 大屏 · PLATFORM_ADMIN 平台管理员",
)

__all__ = ["Role"]
