"""Counting (计票) as a table: ``tally.count`` from the rules and the ballots' choices.

The boundaries are the point: quorum reached with exactly its share, "more than half" not
reached with exactly half, a tie and a vote without quorum as outcomes (never errors).
"""

from __future__ import annotations

from typing import Any

import pytest

from models.votes import BallotMode, ThresholdBasis
from resolvers.votes.common import digest
from resolvers.votes.tally import Line, Rules, count, quorum_met

LINES = [Line(11, "加装电梯"), Line(12, "口袋公园")]
ELECTORATE, CAST = ThresholdBasis.ELECTORATE, ThresholdBasis.BALLOTS_CAST


def rules(
    size: int,
    basis: ThresholdBasis = ELECTORATE,
    quorum: int = 50,
    mode: BallotMode = BallotMode.YES_NO_ABSTAIN,
    scale_max: int = 5,
) -> Rules:
    return Rules(
        mode=mode,
        threshold_basis=basis,
        quorum_percent=quorum,
        electorate_size=size,
        scale_max=scale_max,
    )


def ballots(*answers: str, line: int = 11) -> list[dict[str, Any]]:
    """One ballot per answer on one line ('-' leaves the line unmarked)."""
    return [{} if a == "-" else {str(line): a} for a in answers]


def first_line(result: dict[str, Any]) -> dict[str, Any]:
    return result["items"][0]


# --- quorum ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "quorum", "turnout", "met"),
    [
        (10, 50, 5, True),  # exactly half takes part: a 50% quorum is met
        (10, 50, 4, False),
        (7, 50, 4, True),  # 4/7 = 57%
        (7, 50, 3, False),  # 3/7 = 42.9%: not rounded up
        (3, 67, 2, False),  # 2/3 = 66.7% < 67%
        (3, 66, 2, True),
        (10, 100, 10, True),
        (10, 100, 9, False),
        (10, 0, 0, True),  # no quorum required
        (0, 0, 0, False),  # an empty electorate never has a quorum
    ],
)
def test_quorum_is_a_share_of_the_electorate_at_the_boundary(
    size: int, quorum: int, turnout: int, met: bool
) -> None:
    assert quorum_met(rules(size, quorum=quorum), turnout) is met
    result = count(rules(size, quorum=quorum), LINES, ballots(*["YES"] * turnout))
    assert result["quorumMet"] is met
    assert result["turnout"] == turnout


def test_without_quorum_every_line_is_no_quorum_however_it_was_marked() -> None:
    # 4 of 10 voted, all for: unanimous, but fewer than the 50% that must take part.
    result = count(rules(10), LINES, [{"11": "YES", "12": "NO"}] * 4)
    assert result["quorumMet"] is False
    assert [item["outcome"] for item in result["items"]] == ["NO_QUORUM", "NO_QUORUM"]
    assert (first_line(result)["yes"], result["items"][1]["no"]) == (4, 4)  # still counted


def test_no_ballots_at_all_is_no_quorum_not_an_error() -> None:
    result = count(rules(5), LINES, [])
    assert result["turnout"] == 0 and result["quorumMet"] is False
    assert {item["outcome"] for item in result["items"]} == {"NO_QUORUM"}
    assert all(item["yes"] == item["no"] == item["abstain"] == 0 for item in result["items"])


# --- the passing threshold -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "answers", "outcome"),
    [
        # 全体代表过半数: more than half of the *whole electorate* must vote for.
        (10, "YES " * 6 + "NO " * 2, "PASSED"),  # 6 of 10
        (10, "YES " * 5 + "NO " * 3, "FAILED"),  # exactly half of the electorate: not passed
        (10, "YES " * 5 + "ABSTAIN " * 3, "FAILED"),
        (10, "YES " * 5, "FAILED"),  # all who voted were for, but 5 is half of 10
        (9, "YES " * 5, "PASSED"),  # 5 of 9
        (9, "YES " * 4 + "NO " * 1, "FAILED"),
        (3, "YES YES NO", "PASSED"),
        (4, "YES YES NO NO", "TIED"),  # as many against as for: a tie, not passed
        (6, "YES YES NO NO ABSTAIN ABSTAIN", "TIED"),
        (4, "NO NO NO ABSTAIN", "FAILED"),
        (4, "ABSTAIN ABSTAIN ABSTAIN ABSTAIN", "FAILED"),  # nothing for, nothing against
    ],
)
def test_electorate_basis_needs_more_than_half_of_the_whole_electorate(
    size: int, answers: str, outcome: str
) -> None:
    result = count(rules(size, ELECTORATE), LINES, ballots(*answers.split()))
    assert first_line(result)["outcome"] == outcome


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        # 投票人数过半数: more than half of the ballots cast (abstentions count as cast).
        ("YES YES YES NO NO", "PASSED"),  # 3 of 5
        ("YES YES NO NO", "TIED"),  # exactly half of those who voted: not passed
        ("YES YES ABSTAIN ABSTAIN", "FAILED"),  # exactly half, and no tie
        ("YES YES NO ABSTAIN", "FAILED"),  # 2 of 4: an abstention is a ballot cast
        ("YES YES YES ABSTAIN", "PASSED"),
        ("YES YES YES - -", "PASSED"),  # unmarked lines are abstentions: 3 of 5
        ("YES YES - - -", "FAILED"),
    ],
)
def test_ballots_cast_basis_needs_more_than_half_of_those_who_voted(
    answers: str, outcome: str
) -> None:
    size = 10  # every case has a quorum (4 or 5 of 10, 40% quorum)
    result = count(rules(size, CAST, quorum=40), LINES, ballots(*answers.split()))
    assert result["thresholdBasis"] == "BALLOTS_CAST"
    assert first_line(result)["outcome"] == outcome


def test_the_same_ballots_pass_on_one_basis_and_fail_on_the_other() -> None:
    """4 for, 1 against, of an electorate of 9 with 5 voting: more than half of the ballots
    cast, not more than half of the whole electorate."""
    cast = ballots("YES", "YES", "YES", "YES", "NO")
    assert first_line(count(rules(9, CAST), LINES, cast))["outcome"] == "PASSED"
    assert first_line(count(rules(9, ELECTORATE), LINES, cast))["outcome"] == "FAILED"


# --- unmarked lines, several lines -------------------------------------------------------


def test_unmarked_or_unknown_marks_count_as_abstentions_on_each_line() -> None:
    cast = [
        {"11": "YES", "12": "NO"},
        {"11": "YES"},  # line 12 unmarked
        {},  # a blank ballot: takes part, abstains on every line
        {"11": "MAYBE", "12": 3, "99": "YES"},  # not an answer; a line not on the paper
    ]
    result = count(rules(4, quorum=100), LINES, cast)
    assert result["turnout"] == 4 and result["quorumMet"] is True
    first, second = result["items"]
    assert (first["yes"], first["no"], first["abstain"]) == (2, 0, 2)
    assert (second["yes"], second["no"], second["abstain"]) == (0, 1, 3)
    assert first["outcome"] == "FAILED"  # 2 of 4 is exactly half
    assert [i["item"] for i in result["items"]] == [11, 12]
    assert [i["label"] for i in result["items"]] == ["加装电梯", "口袋公园"]


def test_each_line_is_counted_and_decided_on_its_own() -> None:
    cast = [{"11": "YES", "12": "NO"}, {"11": "YES", "12": "YES"}, {"11": "NO", "12": "ABSTAIN"}]
    first, second = count(rules(3), LINES, cast)["items"]
    assert (first["yes"], first["no"], first["abstain"], first["outcome"]) == (2, 1, 0, "PASSED")
    assert (second["yes"], second["no"], second["abstain"], second["outcome"]) == (
        1,
        1,
        1,
        "TIED",
    )


# --- approval votes ----------------------------------------------------------------------


def test_approval_counts_ticks_and_the_rest_as_abstentions() -> None:
    lines = [Line(1, "甲"), Line(2, "乙"), Line(3, "丙")]
    cast = [{"1": "YES", "2": "YES"}, {"1": "YES"}, {"1": "YES", "3": "YES"}, {}]
    result = count(rules(5, mode=BallotMode.APPROVAL), lines, cast)
    assert result["mode"] == "APPROVAL" and result["turnout"] == 4
    by_line = {item["label"]: item for item in result["items"]}
    assert {k: (v["yes"], v["no"], v["abstain"]) for k, v in by_line.items()} == {
        "甲": (3, 0, 1),
        "乙": (1, 0, 3),
        "丙": (1, 0, 3),
    }
    # 3 ticks of an electorate of 5 is more than half; 1 is not.
    assert {k: v["outcome"] for k, v in by_line.items()} == {
        "甲": "PASSED",
        "乙": "FAILED",
        "丙": "FAILED",
    }
    assert all(v["ratings"] == [] and v["averageScore"] is None for v in by_line.values())


def test_approval_never_counts_a_no_and_needs_more_than_half() -> None:
    lines = [Line(1, "甲")]
    # a stored "NO" in an approval vote is not a tick: it counts as not ticked
    cast = [{"1": "YES"}, {"1": "YES"}, {"1": "NO"}, {}]
    item = count(rules(4, mode=BallotMode.APPROVAL), lines, cast)["items"][0]
    assert (item["yes"], item["no"], item["abstain"]) == (2, 0, 2)
    assert item["outcome"] == "FAILED"  # 2 of 4: exactly half


# --- ratings -----------------------------------------------------------------------------


def test_rating_gives_the_distribution_and_the_average_to_two_decimals() -> None:
    lines = [Line(1, "城建办"), Line(2, "综治办"), Line(3, "无人评")]
    cast = [
        {"1": 5, "2": 1},
        {"1": 4, "2": 2},
        {"1": 4},
        {"1": 0, "2": 6, "3": "YES"},  # out of the 1..5 scale, or not a score: not rated
    ]
    result = count(rules(10, CAST, quorum=0, mode=BallotMode.RATING), lines, cast)
    first, second, third = result["items"]
    assert first["ratings"] == [0, 0, 0, 2, 1] and first["ratingCount"] == 3
    assert first["averageScore"] == "4.33"  # 13 / 3, half up
    assert second["ratings"] == [1, 1, 0, 0, 0] and second["averageScore"] == "1.50"
    assert third["ratings"] == [0, 0, 0, 0, 0] and third["averageScore"] is None
    assert {item["outcome"] for item in result["items"]} == {"RATED"}  # no pass mark
    assert result["turnout"] == 4


@pytest.mark.parametrize(
    ("scores", "average"),
    [([1, 2], "1.50"), ([2, 2, 3], "2.33"), ([1, 1, 2], "1.33"), ([2, 3, 3], "2.67")],
)
def test_rating_averages_round_half_up(scores: list[int], average: str) -> None:
    lines = [Line(1, "x")]
    item = count(rules(3, mode=BallotMode.RATING), lines, [{"1": s} for s in scores])["items"][0]
    assert item["averageScore"] == average


def test_rating_follows_its_own_scale() -> None:
    lines = [Line(1, "x")]
    cast = [{"1": 10}, {"1": 7}, {"1": 11}]
    item = count(rules(3, mode=BallotMode.RATING, scale_max=10), lines, cast)["items"][0]
    assert len(item["ratings"]) == 10 and item["ratings"][9] == 1 and item["ratings"][6] == 1
    assert item["ratingCount"] == 2 and item["averageScore"] == "8.50"


def test_a_rating_without_quorum_is_still_rated() -> None:
    result = count(rules(10, mode=BallotMode.RATING), [Line(1, "x")], [{"1": 3}])
    assert result["quorumMet"] is False
    assert result["items"][0]["outcome"] == "RATED"


# --- the result as stored ----------------------------------------------------------------


def test_the_result_is_plain_json_and_counting_again_gives_the_same_digest() -> None:
    cast = [{"11": "YES", "12": "NO"}, {"11": "ABSTAIN"}, {"12": "YES"}]
    first = count(rules(3, CAST), LINES, cast)
    again = count(rules(3, CAST), LINES, list(reversed(cast)))  # order does not matter
    assert first == again and digest(first) == digest(again)
    assert set(first) == {
        "electorateSize",
        "turnout",
        "quorumPercent",
        "quorumMet",
        "thresholdBasis",
        "mode",
        "items",
    }
    assert (first["electorateSize"], first["quorumPercent"], first["mode"]) == (
        3,
        50,
        "YES_NO_ABSTAIN",
    )
