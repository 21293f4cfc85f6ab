"""The votes domain's row rules (公开规则): what of a vote is shown, by where it stands.

Each line below is one rule; ``policies/rows.py`` says how rules work. These hold for
``EVERYONE``: the capability guarding each field (``vote:read``, ``vote:manage`` for congress
staff, ``vote_tally:read`` for consoles and big screens) decides who gets there, the rule
decides, from the vote's status and secrecy, whether there is anything to see. Ask with
``RULES.sees(ANYONE, WHO_HAS_VOTED, vote)``.
"""

from __future__ import annotations

from models.votes import Vote, VoteStatus
from policies.rows import EVERYONE, RowRule, RowRules, Scope, When

WHO_HAS_VOTED = "who has voted"
"""Each elector's ``voted`` on the staff's turnout list (催票), and the ``voted`` filter."""
PUBLISHED_RESULT = "published result"
"""``Vote.result`` and the public bulletin board (公示) with every counted ballot."""
COUNTED_RESULT = "counted result"
"""``Vote.countedResult``, the count stored at closing."""
RUNNING_TALLY = "running tally"
"""``Vote.runningTally``, the live count while the vote runs."""
ROLL_CALL = "roll call"
"""``Vote.namedBallots``: each ballot with its voter, for everyone who reads votes."""
STAFF_ROLL_CALL = "staff roll call"
"""``Vote.rollCall``: each ballot with its voter, for congress staff while it runs."""


def _secret_and_open(vote: Vote) -> bool:
    return vote.secret and vote.status is VoteStatus.OPEN


RULES = RowRules(
    # 无记名: while a secret vote is open nobody sees who has voted (turnout stays live).
    RowRule(
        WHO_HAS_VOTED,
        Scope.STREET,
        roles=EVERYONE,
        when=When("a named vote, or a secret one not open", lambda v: not _secret_and_open(v)),
    ),
    # 公示: the result and the bulletin board, for anyone, once the vote is published.
    RowRule(
        PUBLISHED_RESULT,
        Scope.STREET,
        roles=EVERYONE,
        when=When("published", lambda v: v.status is VoteStatus.PUBLISHED),
    ),
    # 计票: the stored count, from closing on (congress staff).
    RowRule(
        COUNTED_RESULT,
        Scope.STREET,
        roles=EVERYONE,
        when=When("counted (closed)", lambda v: v.result is not None),
    ),
    # The live count of an open named vote; a secret vote's stays hidden until it closes.
    RowRule(
        RUNNING_TALLY,
        Scope.STREET,
        roles=EVERYONE,
        when=When("an open named vote", lambda v: not v.secret and v.status is VoteStatus.OPEN),
    ),
    # 记名投票: the roll call of a named vote is public once published ...
    RowRule(
        ROLL_CALL,
        Scope.STREET,
        roles=EVERYONE,
        when=When(
            "a published named vote",
            lambda v: not v.secret and v.status is VoteStatus.PUBLISHED,
        ),
    ),
    # ... and congress staff follow it while it runs. A secret vote has none, ever.
    RowRule(
        STAFF_ROLL_CALL,
        Scope.STREET,
        roles=EVERYONE,
        when=When("a named vote", lambda v: not v.secret),
    ),
)
