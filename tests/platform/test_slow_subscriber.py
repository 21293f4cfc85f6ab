"""A subscriber that stops reading never holds up the others, and its backlog stays bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from core.broker import MemoryBroker
from resolvers.outbox import LISTENER_BACKLOG, Event, EventHub


def event(position: int, street_id: int = 1) -> Event:
    return Event(
        id=position,
        street_id=street_id,
        position=position,
        type="project.progress",
        subject="UHJvamVjdDox",
        actor_id=None,
        payload={"percent": position % 100},
        visibility="street",
        occurred_at=datetime.now(UTC),
    )


async def test_a_stalled_listener_is_bounded_and_told_to_catch_up() -> None:
    hub = EventHub(MemoryBroker(), sweep_seconds=60)
    total = LISTENER_BACKLOG * 3
    with hub.listen(1) as stalled, hub.listen(1) as reader, hub.listen(2) as elsewhere:
        received: list[int] = []
        for position in range(1, total + 1):
            hub.dispatch(event(position))  # returns at once, whatever the stalled one does
            if position % 50 == 0:
                events, behind = await reader.take()
                received += [e.position for e in events]
                assert behind == 0
        assert received == list(range(1, total + 1))
        # The stalled listener holds at most its backlog and knows where it must catch up to
        # (stream() then reads the missed events from the stored log).
        assert len(stalled.pending) <= LISTENER_BACKLOG
        events, behind = await stalled.take()
        assert behind >= total - LISTENER_BACKLOG
        assert [e.position for e in events] == list(range(behind + 1, total + 1))
        # Another street's listener saw nothing.
        assert not elsewhere.pending and not elsewhere.signal.is_set()
