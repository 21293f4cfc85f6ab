"""The schema's ``ErrorCode`` enum: the platform's codes and every domain's own.

``UserError.code`` refers to it lazily (``strawberry.lazy``), because the domains' payload types
are defined before the list of domains is complete.
"""

from __future__ import annotations

import strawberry

from schema.domain import error_codes
from schema.domains import DOMAINS

SchemaErrorCode = strawberry.enum(
    error_codes(DOMAINS),
    name="ErrorCode",
    description="Stable machine-readable error codes (also in `errors[].extensions.code`).",
)
