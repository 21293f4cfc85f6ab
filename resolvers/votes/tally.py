"""Counting (计票): one pure function from the rules and the ballots to the result.

Closing stores what ``count`` returns; ``gongzhi votes recount`` calls it again on the stored
ballots and compares. A result is plain JSON (counts as integers, averages as decimal strings),
so the stored and the recomputed result compare exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from models.votes import BallotMode, ThresholdBasis


class Answer(StrEnum):
    YES = "YES"  # 赞成 (or: ticked, in an approval vote)
    NO = "NO"  # 反对
    ABSTAIN = "ABSTAIN"  # 弃权


YES, NO, ABSTAIN = Answer.YES.value, Answer.NO.value, Answer.ABSTAIN.value
ANSWERS = (YES, NO, ABSTAIN)


class Outcome(StrEnum):
    PASSED = "PASSED"  # 通过
    FAILED = "FAILED"  # 未通过
    TIED = "TIED"  # 票数相同 (as many against as for, and not passed)
    NO_QUORUM = "NO_QUORUM"  # 参与人数不足 (quorum not reached: nothing passes)
    RATED = "RATED"  # 满意度测评 (a rating has no pass mark)


@dataclass(frozen=True)
class Rules:
    mode: BallotMode
    threshold_basis: ThresholdBasis
    quorum_percent: int
    electorate_size: int
    scale_max: int = 5


@dataclass(frozen=True)
class Line:
    """One item of the ballot paper as the count needs it."""

    id: int
    label: str


def quorum_met(rules: Rules, turnout: int) -> bool:
    """Turnout of at least ``quorum_percent`` of the electorate (exact, in integers)."""
    return rules.electorate_size > 0 and turnout * 100 >= rules.quorum_percent * (
        rules.electorate_size
    )


def _outcome(rules: Rules, has_quorum: bool, yes: int, no: int, turnout: int) -> Outcome:
    if rules.mode is BallotMode.RATING:
        return Outcome.RATED
    if not has_quorum:
        return Outcome.NO_QUORUM
    basis = rules.electorate_size if rules.threshold_basis is ThresholdBasis.ELECTORATE else turnout
    if yes * 2 > basis:
        return Outcome.PASSED
    if yes == no and yes > 0:
        return Outcome.TIED
    return Outcome.FAILED


def _average(total: int, count: int) -> str | None:
    if not count:
        return None
    return str((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def count(
    rules: Rules, lines: Sequence[Line], ballots: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The result of a vote from its ballots' choices (``{item id: answer or score}``)."""
    keys = [str(line.id) for line in lines]
    answers = {key: dict.fromkeys(ANSWERS, 0) for key in keys}
    scores = {key: [0] * rules.scale_max for key in keys}
    turnout = 0
    for choices in ballots:
        turnout += 1
        for key in keys:
            marked = choices.get(key)
            if rules.mode is BallotMode.RATING:
                if isinstance(marked, int) and 1 <= marked <= rules.scale_max:
                    scores[key][marked - 1] += 1
            elif rules.mode is BallotMode.APPROVAL:
                answers[key][YES if marked == YES else ABSTAIN] += 1
            else:
                answers[key][marked if marked in ANSWERS else ABSTAIN] += 1
    has_quorum = quorum_met(rules, turnout)
    items = []
    for line, key in zip(lines, keys, strict=True):
        tally = answers[key]
        rated = scores[key]
        rated_count = sum(rated)
        rated_sum = sum((i + 1) * n for i, n in enumerate(rated))
        items.append(
            {
                "item": line.id,
                "label": line.label,
                "yes": tally[YES],
                "no": tally[NO],
                "abstain": tally[ABSTAIN],
                "ratings": rated if rules.mode is BallotMode.RATING else [],
                "ratingCount": rated_count,
                "averageScore": _average(rated_sum, rated_count),
                "outcome": _outcome(rules, has_quorum, tally[YES], tally[NO], turnout).value,
            }
        )
    return {
        "electorateSize": rules.electorate_size,
        "turnout": turnout,
        "quorumPercent": rules.quorum_percent,
        "quorumMet": has_quorum,
        "thresholdBasis": rules.threshold_basis.value,
        "mode": rules.mode.value,
        "items": items,
    }
