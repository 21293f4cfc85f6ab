"""The votes domain's enums in GraphQL, each registered once with its description;
the domain's schema modules import them from here."""

from __future__ import annotations

import strawberry

from models.votes import (
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    VoteKind,
    VoteStatus,
)
from resolvers.votes.tally import Answer, Outcome

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
    "ElectorateKind",
    "Outcome",
    "SubjectKind",
    "ThresholdBasis",
    "VoteKind",
    "VoteStatus",
]
