"""Domain enums exposed in GraphQL. Schema modules import enums from here, so each is
registered once, with its description, before any type uses it."""

from __future__ import annotations

import strawberry

from core.errors import ErrorCode
from models.accounts import Role
from models.projects import ProgressSource, ProjectStatus, SourceKind
from models.votes import (
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    VoteKind,
    VoteStatus,
)
from resolvers.projects.common import Lateness
from resolvers.projects.views import BoardOrder
from resolvers.votes.tally import Answer, Outcome

strawberry.enum(
    ErrorCode,
    name="ErrorCode",
    description="Stable machine-readable error codes (also in `errors[].extensions.code`).",
)

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

strawberry.enum(
    ProjectStatus,
    name="ProjectStatus",
    description="A livelihood project's status: PROPOSED 提出 · CANDIDATE 候选 · "
    "APPROVED 票决通过 · IN_PROGRESS 实施中 · COMPLETED 完工 · ACCEPTED 验收 · "
    "REJECTED 未通过 · SUSPENDED 暂停.",
)
strawberry.enum(
    ProgressSource,
    name="ProgressSource",
    description="Where a project's progress comes from: MILESTONES (done weight over total "
    "weight) or MANUAL (set by the department with a reason).",
)
strawberry.enum(
    SourceKind,
    name="ProjectSourceKind",
    description="What a project was promoted from: CASE 事件 · SUGGESTION 代表建议 · "
    "CONSULTATION 协商.",
)
strawberry.enum(
    Lateness,
    name="Lateness",
    description="ON_TIME 正常 · YELLOW 黄灯 (a milestone is due within the configured days) · "
    "RED 红灯 (a milestone passed its planned date undone). Only approved or running projects "
    "can be late.",
)
strawberry.enum(
    BoardOrder,
    name="ProjectBoardOrder",
    description="PROGRESS: most advanced first, then most urgent. LATENESS: most urgent open "
    "milestone first, then most advanced.",
)
strawberry.enum(
    VoteKind,
    name="VoteKind",
    description="PROJECT_BALLOT 民生实事项目票决 (representatives choose the candidate projects "
    "to fund) · RESOLUTION 决议表决 (yes/no/abstain on one motion) · SATISFACTION 满意度测评 "
    "(rate departments, projects or representatives on a scale).",
)
strawberry.enum(
    VoteStatus,
    name="VoteStatus",
    description="DRAFT 草稿 (editable) · OPEN 投票中 · CLOSED 已截止 (counted, seen by congress "
    "staff) · PUBLISHED 已公布 (result and bulletin board public) · CANCELLED 已取消.",
)
strawberry.enum(
    BallotMode,
    name="BallotMode",
    description="YES_NO_ABSTAIN: each line is marked 赞成/反对/弃权 (unmarked lines abstain) · "
    "APPROVAL: tick at most `maxChoices` lines · RATING: score each line from 1 to `scaleMax`.",
)
strawberry.enum(
    ThresholdBasis,
    name="ThresholdBasis",
    description="Passing takes more YES than half of: ELECTORATE (the whole electorate, "
    "全体代表过半数; the default for project ballots) or BALLOTS_CAST (the ballots cast).",
)
strawberry.enum(
    ElectorateKind,
    name="ElectorateKind",
    description="Who may vote, frozen when the vote opens: REPRESENTATIVES (every "
    "representative of the street) · DELIBERATORS (every deliberator) · RESIDENTS (residents "
    "with an account, of the given communities or grids, or the whole street) · ROSTER (an "
    "explicit list of accounts).",
)
strawberry.enum(
    SubjectKind,
    name="VoteSubjectKind",
    description="What a line of a ballot is about: DEPARTMENT · PROJECT · REPRESENTATIVE · "
    "MOTION (the motion of a resolution).",
)
strawberry.enum(
    Answer,
    name="BallotAnswer",
    description="YES 赞成 (in an approval vote: ticked) · NO 反对 · ABSTAIN 弃权.",
)
strawberry.enum(
    Outcome,
    name="VoteOutcome",
    description="PASSED 通过 · FAILED 未通过 · TIED 票数相同 (as many NO as YES, not passed) · "
    "NO_QUORUM 参与人数不足 (turnout below the quorum: nothing passes) · RATED (a rating line).",
)

__all__ = [
    "Answer",
    "BallotMode",
    "BoardOrder",
    "ElectorateKind",
    "ErrorCode",
    "Lateness",
    "Outcome",
    "ProgressSource",
    "ProjectStatus",
    "Role",
    "SourceKind",
    "SubjectKind",
    "ThresholdBasis",
    "VoteKind",
    "VoteStatus",
]
