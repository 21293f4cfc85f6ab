"""The consultations domain's enums in GraphQL, each registered once with its description."""

from __future__ import annotations

import strawberry

from models.consultations import (
    BellActivity,
    Channel,
    Classification,
    InvitationStatus,
    LibraryStatus,
    PartyKind,
    RequesterKind,
    Step,
    StepWarningLevel,
    Verdict,
)

strawberry.enum(
    Step,
    name="ConsultationStep",
    description="The last step taken: SUBMITTED 提出协商申请 · ACCEPTED 受理 · "
    "INVITED 发起协商约请 · COORDINATED 对接协商事项 · CONFIRMED 确认参会信息 · "
    "MET 召开协商会议 · REVIEWED 联审协商结果 · ANNOUNCED 通报协商结果 · "
    "EVALUATED 评价协商结果; ROUTED 非协商事项 (routed to a street office, ends there) · "
    "NOT_ACCEPTED 不予受理.",
)
strawberry.enum(
    RequesterKind,
    name="RequesterKind",
    description="RESIDENT 居民 (building chiefs, owners' committees) · "
    "COMMUNITY 社区 (grid chiefs, social workers) · "
    "STREET_BODY 街道 (law-enforcement squad, police station…).",
)
strawberry.enum(
    Channel,
    name="RingChannel",
    description="PHONE 手机 · TERMINAL 社区服务中心终端 · ON_BEHALF 社工代为申请.",
)
strawberry.enum(
    Classification,
    name="ConsultationClassification",
    description="CONSULTATION 协商事项 · NON_CONSULTATION 非协商事项 (routed to a street office).",
)
strawberry.enum(
    PartyKind,
    name="PartyKind",
    description="COMMUNITY 社区 · PROPERTY_COMPANY 物业 · OWNERS_COMMITTEE 业委会 · "
    "STREET_DEPARTMENT 街道科室 · DISTRICT_DEPARTMENT 区级部门 · PROFESSIONAL 专业人士 · "
    "RESIDENT 居民代表.",
)
strawberry.enum(
    InvitationStatus,
    name="InvitationStatus",
    description="INVITED 已约请 · ACCEPTED 已接受 · DECLINED 已婉拒 (with a reason).",
)
strawberry.enum(
    Verdict,
    name="ReviewVerdict",
    description="SIGNED 签署同意 · OBJECTED 提出异议 (with a reason).",
)
strawberry.enum(
    LibraryStatus,
    name="LibraryCaseStatus",
    description="DRAFT 待审核 (prepared; again when the review queue rejects it) · IN_REVIEW "
    "审核中 (held by the street's review queue: it matched the watch list) · PUBLISHED 已发布 "
    "(in the street's case library).",
)
strawberry.enum(
    BellActivity,
    name="BellActivity",
    description="VISIT 走访 · CALL 电话 · COORDINATION 协调 · PROMOTION 宣传 · OTHER 其他.",
)
strawberry.enum(
    StepWarningLevel,
    name="StepWarningLevel",
    description="A step's deadline: NONE 未到黄线 · YELLOW 黄线提醒 (most of its working time "
    "gone) · RED 红线示警 (overdue).",
)

__all__ = [
    "BellActivity",
    "Channel",
    "Classification",
    "InvitationStatus",
    "LibraryStatus",
    "PartyKind",
    "RequesterKind",
    "Step",
    "StepWarningLevel",
    "Verdict",
]
