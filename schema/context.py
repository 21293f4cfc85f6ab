"""The typed request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from resolvers.services import Services
from resolvers.viewer import Viewer
from schema.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    services: Services
    viewer: Viewer
    locale: str
    client_address: str | None
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None


Info = strawberry.Info[Context, None]
