from __future__ import annotations

import strawberry


@strawberry.input(description="Which notifications to mark read: some by ID, or all of mine.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = None
    all: bool = False
