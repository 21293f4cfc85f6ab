"""Fields that read from the read replica (只读副本): ``field(..., replica=True)``.

A field so declared answers figures that may be a moment behind (boards, dashboards, big
screens, maps, reports, a published vote's bulletin board): its resolver runs inside
``lagging_reads()`` (``core/reads.py``), so its ORM reads outside a transaction go to
``GONGZHI_READ_DATABASE_URL``. It reads from the primary instead

* when no replica is configured (or on SQLite);
* when the caller wrote anything in the last ``GONGZHI_READ_YOUR_WRITES_SECONDS``
  (``resolvers/reads.py``): they see what they just did;
* when the replica is more than ``GONGZHI_READ_MAX_LAG_SECONDS`` (30) behind
  (``ReplicaLag``, ``resolvers/reads.py``);
* when the replica cannot answer (``ReplicaUnavailable``): the resolver runs again on the
  primary, a warning is logged and ``gongzhi_replica_fallbacks_total`` counts it.

Only the declared field's own resolver is routed: a nested field that loads rows of its own
reads from the primary unless it is declared ``replica=True`` too. Transactions, mutations
and subscriptions always use the primary.
"""

from __future__ import annotations

import logging
from typing import Any

from strawberry.extensions.field_extension import (
    AsyncExtensionResolver,
    FieldExtension,
    SyncExtensionResolver,
)

from core.reads import ReplicaUnavailable, lagging_reads

log = logging.getLogger(__name__)

REPLICA = "gongzhi.replica"
"""The field metadata that declares a field ``replica`` (listed in docs/deployment.md)."""


class ReadsReplica(FieldExtension):
    """Runs the field's resolver with reads that may lag (see the module's docstring)."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Any, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)  # a plain resolver reads nothing

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Any, **kwargs: Any
    ) -> Any:
        context = info.context
        writers = context.services.writers
        if not writers.enabled:  # no replica
            return await next_(source, info, **kwargs)
        user = context.viewer.user
        if await writers.recently_wrote(user.id if user is not None else None):
            return await next_(source, info, **kwargs)
        try:
            if await context.services.replica_lag.too_far_behind():
                return await next_(source, info, **kwargs)
            with lagging_reads():
                return await next_(source, info, **kwargs)
        except ReplicaUnavailable as exc:
            log.warning(
                "the read replica could not answer %s, read from the primary: %s",
                info.field_name,
                exc,
            )
            context.services.metrics.replica_fallbacks.inc()
            return await next_(source, info, **kwargs)
