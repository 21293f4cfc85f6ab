"""The GraphQL endpoint: HTTP and graphql-transport-ws on one path, auth for both."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

from cross_web import HTTPException
from graphql import GraphQLError, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from core.i18n import negotiate
from resolvers.services import Services
from resolvers.viewer import Viewer, authenticate
from schema.context import Context
from schema.events.types import SHARED_EVENT
from schema.extensions import format_error

log = logging.getLogger("gongzhi.ws")


def client_address(request: Request | WebSocket) -> str | None:
    return request.client.host if request.client else None


def _subscribe_problem(message: Mapping[str, object]) -> str | None:
    """Why a ``subscribe`` message cannot be run, if it cannot."""
    payload = message.get("payload")
    if not isinstance(message.get("id"), str) or not message["id"]:
        return "Subscribe message needs an id"
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "Subscribe message needs a payload with a query"
    if not isinstance(payload.get("variables") or {}, dict):
        return "Variables must be an object"
    if not isinstance(payload.get("operationName") or "", str):
        return "operationName must be a string"
    try:
        parse(payload["query"])
    except GraphQLError as error:
        return error.message[:120]
    return None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, hardened: a malformed message closes the connection with 4400
    and a reason, and nothing a client sends can escape the connection's handler.

    A ``next`` message that depends only on the event and on the subscription's shape is
    encoded once per event and shape, then sent as is to every subscriber of that shape in
    this worker.
    """

    async def handle_message(self, message: Message) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message("Failed to parse message")
            return
        if message["type"] == "subscribe" and self.connection_acknowledged:
            if problem := _subscribe_problem(message):
                await self.handle_invalid_message(problem)
                return
        try:
            await super().handle_message(message)
        except WebSocketDisconnected:
            raise
        except Exception:
            log.exception("graphql-transport-ws: could not handle a message")
            with contextlib.suppress(Exception):
                await self.websocket.close(code=4500, reason="Internal server error")

    async def send_message(self, message: Message) -> None:
        event = SHARED_EVENT.get()
        operation = self.operations.get(str(message.get("id", ""))) if event is not None else None
        payload = message.get("payload")
        if (
            event is None
            or operation is None
            or message["type"] != "next"
            or not isinstance(payload, dict)
            or "errors" in payload
        ):
            await super().send_message(message)
            return
        key = (
            "next",
            operation.query,
            operation.operation_name,
            json.dumps(operation.variables, sort_keys=True, default=str),
        )
        encoded = event.cache.get(key)
        if encoded is None:
            encoded = event.cache[key] = self.view.encode_json(payload)
        if isinstance(encoded, bytes):  # encode_json may give bytes; ours gives str
            encoded = encoded.decode()
        text = f'{{"id":{json.dumps(message["id"])},"type":"next","payload":{encoded}}}'
        try:
            await cast(ASGIWebSocketAdapter, self.websocket).ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLEndpoint(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, schema: Any, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if services.settings.is_dev else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=services.settings.max_subscriptions_per_connection,
            multipart_uploads_enabled=True,  # photos of progress updates and vouchers
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
