"""The votes part of a demo street: two DRAFT votes for congress staff to open, drafted through
the same operation congress staff use (``save_draft``), so the audit trail shows their drafting."""

from __future__ import annotations

from models.accounts import Role
from models.projects import Project, ProjectStatus
from models.votes import BallotMode, ElectorateKind, SubjectKind, ThresholdBasis, Vote, VoteKind
from resolvers.demo import DemoStreetData
from resolvers.votes.drafting import ElectorateDraft, ItemDraft, VoteDraft, save_draft
from tenants.scoping import street_scope


async def load_votes_demo(demo: DemoStreetData) -> None:
    """A secret project ballot of the representatives on the candidate projects, and a
    satisfaction vote of the deliberators on two departments (only those not there yet)."""
    staff = demo.as_role(Role.CONGRESS_STAFF)
    with street_scope(demo.street.id):
        candidates = await Project.filter(status=ProjectStatus.CANDIDATE).order_by("id")
        drafts = [
            VoteDraft(
                kind=VoteKind.SATISFACTION,
                title="街道科室满意度测评",
                electorate=ElectorateDraft(ElectorateKind.DELIBERATORS),
                items=[
                    ItemDraft(label=name, subject_kind=SubjectKind.DEPARTMENT)
                    for name in ("城建办", "民政办")
                ],
                mode=BallotMode.RATING,
                quorum_percent=0,
                threshold_basis=ThresholdBasis.BALLOTS_CAST,
            )
        ]
        if candidates:
            drafts.insert(
                0,
                VoteDraft(
                    kind=VoteKind.PROJECT_BALLOT,
                    title="民生实事项目代表票决",
                    electorate=ElectorateDraft(ElectorateKind.REPRESENTATIVES),
                    items=[ItemDraft(project_id=p.id) for p in candidates],
                    mode=BallotMode.YES_NO_ABSTAIN,
                    quorum_percent=50,
                    threshold_basis=ThresholdBasis.ELECTORATE,
                ),
            )
        for draft in drafts:
            if not await Vote.exists(title=draft.title):
                await save_draft(staff, draft)
