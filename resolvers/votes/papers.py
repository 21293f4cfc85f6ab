"""The ballot papers of open votes, kept per process (one ``BallotPapers`` owned by
``Services``).

From opening to closing a vote cannot be edited: its rules and its lines stay as they were
when it opened, so casting a ballot need not read them again for every voter. What does change
(the status, at closing or cancelling, and the turnout) is never taken from here: the database
decides inside each ballot's transaction (see ``resolvers.votes.ballots``), and a paper found
stale is forgotten.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass

from models.votes import Vote, VoteItem, VoteStatus

DEFAULT_SIZE = 256


@dataclass(frozen=True)
class BallotPaper:
    """An open vote as it was loaded (read-only: never saved, never handed out) and its
    lines in order."""

    vote: Vote
    items: tuple[VoteItem, ...]

    def vote_as_of(self, turnout: int, status: str | None = None) -> Vote:
        """A copy of the vote to answer with, with the turnout (and status) just read."""
        row = copy.copy(self.vote)
        row.turnout = turnout
        if status is not None:
            row.status = VoteStatus(status)
        return row


class BallotPapers:
    """The papers of the most recently used open votes, by street and vote."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._papers: OrderedDict[tuple[int, int], BallotPaper] = OrderedDict()

    def get(self, street_id: int, vote_id: int) -> BallotPaper | None:
        key = (street_id, vote_id)
        paper = self._papers.get(key)
        if paper is not None:
            self._papers.move_to_end(key)
        return paper

    def keep(self, street_id: int, vote: Vote, items: list[VoteItem]) -> BallotPaper:
        """The paper of this vote; kept for the next ballots only while the vote is OPEN."""
        paper = BallotPaper(vote, tuple(items))
        if vote.status is VoteStatus.OPEN and self.size > 0:
            self._papers[(street_id, vote.id)] = paper
            self._papers.move_to_end((street_id, vote.id))
            while len(self._papers) > self.size:
                self._papers.popitem(last=False)
        return paper

    def forget(self, street_id: int, vote_id: int) -> None:
        self._papers.pop((street_id, vote_id), None)

    def __len__(self) -> int:
        return len(self._papers)
