"""Online votes (网上票决、表决、满意度测评) run by people's congress staff.

A vote lists its items (candidate projects, one motion, or the subjects to rate), freezes its
electorate when it opens (one ``Elector`` row per voter) and stores what was voted in
``Ballot`` rows.

Secret ballots keep who voted apart from what was voted: the elector row says only *that* its
voter voted (no time), the ballot row says only *what* (no voter, no time, a random key), and
the two are joined by nothing the database holds. While the vote is open a secret ballot is
kept sealed (``SealedBallot``, encrypted with a key the database does not hold); the ballot
rows are written at closing, all in one transaction, so not even PostgreSQL's transaction IDs
pair a ballot with the transaction that marked its voter. The voter's receipt code is the
only bridge. Its hash (the ballot's ``receipt_hash``) is what the public bulletin board lists after
publication. The tags on the elector row (for a retried submission and for changing a ballot)
are one-way hashes of secrets the voter holds, so they cannot be matched to a ballot either.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.projects import Project
from models.scoping import TenantModel, tenant_field
from models.tenancy import Street


class VoteKind(StrEnum):
    PROJECT_BALLOT = "PROJECT_BALLOT"  # 民生实事项目票决
    RESOLUTION = "RESOLUTION"  # 议事会决议表决
    SATISFACTION = "SATISFACTION"  # 满意度测评


class VoteStatus(StrEnum):
    DRAFT = "DRAFT"  # 草稿 (editable)
    OPEN = "OPEN"  # 投票中
    CLOSED = "CLOSED"  # 已截止 (counted, not yet public)
    PUBLISHED = "PUBLISHED"  # 已公布
    CANCELLED = "CANCELLED"  # 已取消


class BallotMode(StrEnum):
    """How a ballot paper is marked."""

    YES_NO_ABSTAIN = "YES_NO_ABSTAIN"  # 赞成/反对/弃权 on each item
    APPROVAL = "APPROVAL"  # tick at most ``max_choices`` items
    RATING = "RATING"  # a score from 1 to ``scale_max`` on each item


class ThresholdBasis(StrEnum):
    """Passing needs more than half of…"""

    ELECTORATE = "ELECTORATE"  # …the whole electorate (全体代表过半数)
    BALLOTS_CAST = "BALLOTS_CAST"  # …the ballots cast (投票人数过半数)


class ElectorateKind(StrEnum):
    REPRESENTATIVES = "REPRESENTATIVES"  # every representative of the street (人大代表)
    DELIBERATORS = "DELIBERATORS"  # every deliberator of the street (居民议事会成员)
    RESIDENTS = "RESIDENTS"  # residents with an account, of some communities or grids
    ROSTER = "ROSTER"  # an explicit list of accounts (名单)


class SubjectKind(StrEnum):
    """What a satisfaction item rates."""

    DEPARTMENT = "DEPARTMENT"
    PROJECT = "PROJECT"
    REPRESENTATIVE = "REPRESENTATIVE"
    MOTION = "MOTION"  # the motion of a resolution, or a candidate project's own line


class Vote(TenantModel):
    """One vote of a street: its rules, its schedule, and once closed its result.

    ``electorate_spec`` keeps what the electorate was defined by (communities, grids or
    accounts), ``electorate_size`` how many it held when frozen. ``turnout`` is kept by the
    ballots themselves (each raises it in its own transaction). ``result`` is the tally stored
    at closing, ``result_digest`` its hash (recorded in the audit chain at publication).
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("votes")
    kind = fields.CharEnumField(VoteKind, max_length=16)
    title = fields.CharField(max_length=200)
    description = fields.TextField(validators=[MaxLengthValidator(4000)], default="")
    status = fields.CharEnumField(VoteStatus, max_length=16, default=VoteStatus.DRAFT)
    mode = fields.CharEnumField(BallotMode, max_length=16)
    secret = fields.BooleanField(default=True)
    allow_changes = fields.BooleanField(default=False)
    max_choices = fields.SmallIntField(null=True)
    scale_max = fields.SmallIntField(default=5)
    quorum_percent = fields.SmallIntField(default=50)
    threshold_basis = fields.CharEnumField(
        ThresholdBasis, max_length=16, default=ThresholdBasis.ELECTORATE
    )
    electorate_kind = fields.CharEnumField(ElectorateKind, max_length=16)
    electorate_spec: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    electorate_size = fields.IntField(default=0)
    turnout = fields.IntField(default=0)
    opens_at = fields.DatetimeField(null=True)
    closes_at = fields.DatetimeField(null=True)
    opened_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    closing_reminded = fields.BooleanField(default=False)
    result: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    result_digest = fields.CharField(max_length=64, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    created_by_id: int | None

    class Meta:
        table = "vote"
        indexes = (("tenant_id", "status"),)


class VoteItem(TenantModel):
    """One line of the ballot paper: a candidate project, the motion, or a subject to rate."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("vote_items")
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "gongzhi.Vote", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    label = fields.CharField(max_length=200)
    subject_kind = fields.CharEnumField(SubjectKind, max_length=16, default=SubjectKind.MOTION)
    project: fields.ForeignKeyNullableRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    representative: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    vote_id: int
    project_id: int | None
    representative_id: int | None

    class Meta:
        table = "vote_item"
        unique_together = (("vote", "position"),)


class Elector(TenantModel):
    """选民: one voter of a frozen electorate, and whether they voted.

    One row per (vote, voter), so the database itself refuses a second ballot: voting flips
    ``voted`` with a conditional update. ``voted_at`` is kept for open (named) ballots only.
    ``retry_tag`` and ``change_tag`` are one-way hashes of the voter's idempotency key and
    receipt code: a retry or a change can be recognised, a ballot cannot be found from them.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("electors")
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "gongzhi.Vote", related_name="electors", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    voted = fields.BooleanField(default=False)
    voted_at = fields.DatetimeField(null=True)
    retry_tag = fields.CharField(max_length=64, default="")
    earlier_retry_tags: fields.JSONField[list[str]] = fields.JSONField(
        default=list, description="Retry tags of ballots this voter later changed"
    )
    change_tag = fields.CharField(max_length=64, default="")
    reminded = fields.BooleanField(default=False)

    vote_id: int
    user_id: int

    class Meta:
        table = "elector"
        unique_together = (("vote", "user"),)
        indexes = (("vote_id", "voted"),)


class SealedBallot(TenantModel):
    """A secret ballot while its vote is open (封存的选票): its receipt hash, choices and salt
    encrypted with a key derived from the server's secret key (AES-GCM), so the database alone
    cannot read it. Closing opens every sealed ballot of the vote, writes them as ``Ballot``
    rows in one transaction in receipt-hash order, and deletes these rows: the counted ballots
    then share nothing with the transactions that recorded who voted, not even their
    transaction ID. ``change_tag`` is the voter's elector tag (to replace it on a change).
    """

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("sealed_ballots")
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "gongzhi.Vote", related_name="sealed_ballots", on_delete=fields.CASCADE
    )
    change_tag = fields.CharField(max_length=64)
    sealed = fields.TextField()

    vote_id: int

    class Meta:
        table = "sealed_ballot"
        unique_together = (("vote", "change_tag"),)


class Ballot(TenantModel):
    """选票: what one voter marked, as counted.

    For a secret vote the rows are written when the vote closes (from its sealed ballots):
    there is no voter and no time, and the key is random. For an open vote (记名投票)
    ``voter`` and ``cast_at`` are set, since a roll call is public. ``choices`` maps item IDs
    (as strings) to ``YES``/``NO``/``ABSTAIN`` or a score.
    """

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("ballots")
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "gongzhi.Vote", related_name="ballots", on_delete=fields.CASCADE
    )
    receipt_hash = fields.CharField(max_length=64, unique=True)
    choices: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    salt = fields.CharField(max_length=32, description="Opens the seal in the audit chain")
    voter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    cast_at = fields.DatetimeField(null=True)

    vote_id: int
    voter_id: int | None

    class Meta:
        table = "ballot"
        indexes = (("vote_id", "receipt_hash"),)
