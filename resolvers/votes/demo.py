"""The votes part of a demo street: two DRAFT votes for congress staff to open."""

from __future__ import annotations

from datetime import UTC, datetime

from models.accounts import Role, User
from models.projects import Project, ProjectStatus
from models.votes import (
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    Vote,
    VoteItem,
    VoteKind,
)
from resolvers.demo import DemoStreetData, demo_username


async def load_votes_demo(demo: DemoStreetData) -> None:
    """Two DRAFT votes for congress staff to open (<street>.congress_staff): a secret project
    ballot of the representatives on the candidate project, and a satisfaction vote."""
    street = demo.street
    now = datetime.now(UTC)
    staff = await User.get(username=demo_username(street.code, Role.CONGRESS_STAFF))
    candidates = await Project.filter(tenant=street, status=ProjectStatus.CANDIDATE)
    drafts = (
        (
            VoteKind.PROJECT_BALLOT,
            "民生实事项目代表票决",
            BallotMode.YES_NO_ABSTAIN,
            50,
            ElectorateKind.REPRESENTATIVES,
            [(p.title, SubjectKind.PROJECT, p.id) for p in candidates],
        ),
        (
            VoteKind.SATISFACTION,
            "街道科室满意度测评",
            BallotMode.RATING,
            0,
            ElectorateKind.DELIBERATORS,
            [("城建办", SubjectKind.DEPARTMENT, None), ("民政办", SubjectKind.DEPARTMENT, None)],
        ),
    )
    for kind, title, mode, quorum, electorate, lines in drafts:
        if not lines or await Vote.exists(tenant=street, title=title):
            continue
        vote = await Vote.create(
            tenant=street,
            kind=kind,
            title=title,
            mode=mode,
            quorum_percent=quorum,
            threshold_basis=ThresholdBasis.ELECTORATE
            if kind is VoteKind.PROJECT_BALLOT
            else ThresholdBasis.BALLOTS_CAST,
            electorate_kind=electorate,
            created_by=staff,
            created_at=now,
            updated_at=now,
        )
        for position, (label, subject, project_id) in enumerate(lines, start=1):
            await VoteItem.create(
                tenant=street,
                vote=vote,
                position=position,
                label=label,
                subject_kind=subject,
                project_id=project_id,
            )
