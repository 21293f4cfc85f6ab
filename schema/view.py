"""The GraphQL endpoint: HTTP and graphql-transport-ws on one path, auth for both."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from core.i18n import negotiate
from resolvers.services import Services
from resolvers.viewer import Viewer, authenticate
from schema.context import Context
from schema.extensions import format_error


def client_address(request: Request | WebSocket) -> str | None:
    return request.client.host if request.client else None


class GraphQLEndpoint(GraphQL[Context, None]):
    def __init__(self, schema: Any, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if services.settings.is_dev else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        locale = negotiate(request.headers.get("accept-language"))
        if isinstance(request, WebSocket):
            viewer = Viewer()  # filled in by on_ws_connect from connection_init
        else:
            viewer = await authenticate(
                self.services, request.headers.get("authorization"), request.headers.get("x-tenant")
            )
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            services=self.services,
            viewer=viewer,
            locale=locale,
            client_address=client_address(request),
        )

    def parse_json(self, data: str | bytes) -> Any:
        """A request body must be a JSON object (or a batch list): strawberry would crash with
        a 500 on ``"x"``, ``5`` or ``null``. (Query-string parameters arrive as ``str``.)"""
        parsed = super().parse_json(data)
        if isinstance(data, bytes) and not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Errors raised before execution (parsing, limits) get their stable code here."""
        if result.errors:
            locale = negotiate(request.headers.get("accept-language"))
            result.errors = [
                e if (e.extensions or {}).get("code") else format_error(e, locale, True)
                for e in result.errors
            ]
        return process_result(result)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate in ``connection_init``: ``{"authorization": "Bearer …", "tenant": "code"}``.
        A missing or bad token, or a street the user has no part in, closes the socket (4403)."""
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        tenant = params.get("tenant") or params.get("X-Tenant")
        if not isinstance(authorization, str) or (
            tenant is not None and not isinstance(tenant, str)
        ):
            raise ConnectionRejectionError()
        viewer = await authenticate(self.services, authorization, tenant)
        if viewer.auth_error or viewer.street_error:
            raise ConnectionRejectionError()
        context.viewer = viewer
        return {"street": viewer.street.code if viewer.street else None}
