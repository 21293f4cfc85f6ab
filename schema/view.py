"""The GraphQL endpoint: HTTP and graphql-transport-ws on one path, auth for both."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, GraphQLFormattedError, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.types import QueryParams
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from core.errors import ErrorCode
from core.i18n import negotiate, translate
from core.metrics import operation_of
from core.observe import current_request
from policies.vocabulary import PLATFORM_DOMAIN, street_domain
from resolvers.presence import Connection
from resolvers.services import Services
from resolvers.viewer import Viewer, authenticate
from schema.context import Context
from schema.extensions import format_error
from schema.live import SHARED_EVENT
from schema.responses import KeptDocuments, answered
from schema.trusted import DocumentRefused, DocumentStore, is_restricted

log = logging.getLogger("gongzhi.ws")

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# The media type of the current HTTP request's answer (GraphQL over HTTP: Accept negotiation).
_ANSWER_MEDIA_TYPE: ContextVar[str] = ContextVar("answer_media_type", default=JSON)


def answer_media_type(accept: str | None) -> str:
    """``application/graphql-response+json`` when the client accepts it at least as much as
    ``application/json``; ``application/json`` otherwise (no Accept, ``*/*``, anything else)."""
    if not accept or GRAPHQL_RESPONSE_JSON not in accept:
        return JSON
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media.lower()] = max(weight, weights.get(media.lower(), 0.0))
    wanted = weights.get(GRAPHQL_RESPONSE_JSON, 0.0)
    return GRAPHQL_RESPONSE_JSON if wanted > 0 and wanted >= weights.get(JSON, 0.0) else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed (parsing, validation, limits, variables): no error has a path."""
    return (
        result.data is None
        and bool(result.errors)
        and all(e.path is None for e in result.errors or ())
    )


def is_restricted_client(context: Context, client_kind: object) -> bool:
    """A mini-program or display client (they may run only trusted documents under
    ``GONGZHI_TRUSTED_DOCUMENTS=require``)."""
    viewer = context.viewer
    roles: list[str] = []
    if viewer.user is not None and viewer.street is not None:
        roles = context.services.authorizer.roles(viewer.user.id, street_domain(viewer.street.id))
    return is_restricted(client_kind if isinstance(client_kind, str) else None, roles)


class JSONTooDeep(json.JSONDecodeError):
    """JSON nested deeper than allowed: refused like JSON that does not parse."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested deeper than {limit}", "", 0)
        self.limit = limit


def json_deeper_than(value: object, limit: int) -> bool:
    """Whether a parsed JSON value nests objects and arrays more than ``limit`` deep (read
    without recursion)."""
    stack: list[tuple[dict[str, Any] | list[Any], int]] = (
        [(value, 1)] if isinstance(value, dict | list) else []
    )
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


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

    presence: Connection | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Once acknowledged, the connection joins the worker's ``Presence``: it is closed
        when its session ends or its roles are taken away (``resolvers/presence.py``)."""
        await super().handle_connection_init(message)
        viewer = self.context.viewer
        if not self.connection_acknowledged or viewer.user is None or self.presence is not None:
            return
        assert viewer.session_id is not None
        user_id = viewer.user.id
        services = self.context.services
        domain = street_domain(viewer.street.id) if viewer.street else PLATFORM_DOMAIN
        self.presence = Connection(
            user_id=user_id,
            session_id=viewer.session_id,
            domain=domain,
            roles=frozenset(services.authorizer.roles(user_id, domain)),
            close=self._close,
            subscriptions=lambda: len(self.operations),
        )
        services.presence.join(self.presence)
        _count_live(services)

    async def _close(self, code: int, reason: str) -> None:
        await self.websocket.close(code=code, reason=reason)

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            if self.presence is not None:
                self.context.services.presence.leave(self.presence)
                _count_live(self.context.services)

    async def _within_cap(self, message: SubscribeMessage) -> bool:
        """A person holds at most ``max_subscriptions_per_person`` over every connection and
        worker; one more is refused with an ``error`` message for its id."""
        if self.presence is None:
            return True
        presence = self.context.services.presence
        cap = self.context.services.settings.max_subscriptions_per_person
        if await presence.subscriptions(self.presence.user_id) < cap:
            return True
        error = GraphQLError(
            translate("error.too_many_subscriptions", self.context.locale, max=cap),
            extensions={"code": ErrorCode.TOO_MANY_ATTEMPTS.value, "max": cap},
        )
        await self.send_message(
            ErrorMessage(id=message["id"], type="error", payload=[error.formatted])
        )
        return False

    async def handle_message(self, message: Message) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message("Failed to parse message")
            return
        if message["type"] == "subscribe" and self.connection_acknowledged:
            if not await self._trusted_document(message):
                return
            if problem := _subscribe_problem(message):
                await self.handle_invalid_message(problem)
                return
            if message["id"] not in self.operations and not await self._within_cap(message):
                return
        try:
            await super().handle_message(message)
            if message["type"] == "subscribe" and self.presence is not None:
                await self.context.services.presence.publish(self.presence.user_id)
            if message["type"] in ("subscribe", "complete"):
                _count_live(self.context.services)
        except WebSocketDisconnected:
            raise
        except Exception:
            log.exception("graphql-transport-ws: could not handle a message")
            with contextlib.suppress(Exception):
                await self.websocket.close(code=4500, reason="Internal server error")

    async def _trusted_document(self, message: SubscribeMessage) -> bool:
        """Fill in a subscription named by ``documentId`` or APQ hash; refuse (an ``error``
        message for its id) a document a restricted client may not run."""
        payload: Any = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(message.get("id"), str):
            return True
        documents: DocumentStore = self.view.documents  # type: ignore[attr-defined]
        try:
            documents.expand(payload)
            if documents.must_check():
                kind = (self.context.connection_params or {}).get("clientKind")
                documents.check(
                    payload.get("query"), restricted=is_restricted_client(self.context, kind)
                )
        except DocumentRefused as refused:
            error = cast("GraphQLFormattedError", refused.as_error(self.context.locale))
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[error]))
            return False
        return True

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


def _count_live(services: Services) -> None:
    """The open connections and subscriptions of this worker, for ``/metrics``."""
    live = services.presence
    services.metrics.websockets_open.set(len(live))
    services.metrics.subscriptions_open.set(live.subscriptions_total())


def _note_viewer(viewer: Viewer) -> None:
    """The request log's street code and user ID (``core/observe.py``), never more."""
    facts = current_request()
    if facts is not None:
        facts.street = viewer.street.code if viewer.street else None
        facts.user_id = viewer.user.id if viewer.user else None


GRAPHIQL_ASSETS = "/graphiql"
"""Where the app serves GraphiQL's vendored files (``gongzhi/graphiql/``)."""
_GRAPHIQL_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


def offline_graphiql(html: str) -> str:
    """strawberry's GraphiQL page with its seven CDN files served by the app itself (the same
    files: the page's integrity hashes still hold). A file the page names that is not
    vendored is refused here, so an upgrade of strawberry cannot go back to a CDN unseen."""
    for url, name in _GRAPHIQL_FILES.items():
        html = html.replace(url, f"{GRAPHIQL_ASSETS}/{name}")
    if "https://unpkg.com" in html:
        raise RuntimeError("GraphiQL's page names a CDN file that is not vendored")
    return html


class GraphQLEndpoint(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    @property
    def graphql_ide_html(self) -> str:
        return offline_graphiql(super().graphql_ide_html)

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
        self.documents = DocumentStore.load(services.settings.trusted_documents)
        self.kept = KeptDocuments(schema._schema)

    async def run(
        self,
        request: Request | WebSocket,
        context: Context | UnsetType = UNSET,
        root_value: UnsetType | None = UNSET,
    ) -> Any:
        """HTTP: answer in the negotiated media type; a refused trusted document is HTTP 400
        with a GraphQL error, and nothing was executed."""
        if isinstance(request, WebSocket):
            return await super().run(request, context, root_value)  # type: ignore[arg-type]
        media = answer_media_type(request.headers.get("accept"))
        token = _ANSWER_MEDIA_TYPE.set(media)
        try:
            return await super().run(request, context, root_value)  # type: ignore[arg-type]
        except DocumentRefused as refused:
            error = refused.as_error(negotiate(request.headers.get("accept-language")))
            if (facts := current_request()) is not None:
                facts.outcome = str((error.get("extensions") or {}).get("code", "REFUSED"))
            return Response(self.encode_json({"errors": [error]}), 400, media_type=media)
        finally:
            _ANSWER_MEDIA_TYPE.reset(token)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """``application/graphql-response+json``: 400 when nothing was executed (no ``data``),
        200 otherwise, field errors included. ``application/json``: 200, as before."""
        response = super().create_response(response_data, sub_response)
        media = _ANSWER_MEDIA_TYPE.get()
        if media != JSON:
            response.headers["content-type"] = media
            if isinstance(response_data, dict) and "data" not in response_data:
                if not sub_response.status_code:
                    response.status_code = 400
        return response

    async def execute_operation(
        self,
        request: Request,
        request_adapter: Any,
        request_data: Any,
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Under ``require``, a mini-program or display client runs trusted documents only.
        A document whose answer may be kept is answered from the street's kept answers when
        one is there (``schema/responses.py``). The request log learns the operation's name
        and type here."""
        if (facts := current_request()) is not None:
            if isinstance(request_data, list):
                facts.operation_type, facts.operation = "batch", "batch"
            else:
                facts.operation_type, facts.operation = operation_of(
                    request_data.query, request_data.operation_name
                )
        if self.documents.must_check():
            restricted = is_restricted_client(context, request.headers.get("x-client-kind"))
            for item in request_data if isinstance(request_data, list) else [request_data]:
                self.documents.check(item.query, restricted=restricted)

        def compute() -> Any:
            return super(GraphQLEndpoint, self).execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

        if isinstance(request_data, list):
            return await compute()
        return await answered(self.kept, context, request_data, compute)

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
            _note_viewer(viewer)
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            services=self.services,
            viewer=viewer,
            locale=locale,
            client_address=client_address(request),
        )

    def encode_json(self, data: object) -> str:
        """orjson (several times faster than the standard library on a board of rows); text,
        since a graphql-transport-ws message must be a text frame."""
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:  # text orjson refuses (a lone surrogate echoed back): as before
            return json.dumps(data, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        """JSON at most ``max_json_depth`` deep (HTTP bodies, query strings, WebSocket
        messages); deeper is refused as unreadable JSON."""
        limit = self.services.settings.max_json_depth
        try:
            parsed = super().decode_json(data)
        except RecursionError as exc:
            raise JSONTooDeep(limit) from exc
        if json_deeper_than(parsed, limit):
            raise JSONTooDeep(limit)
        return parsed

    def parse_json(self, data: str | bytes) -> Any:
        """A request body must be a JSON object (or a batch list): strawberry would crash with
        a 500 on ``"x"``, ``5`` or ``null``. (Query-string parameters arrive as ``str``.)"""
        try:
            parsed = self.decode_json(data)
        except JSONTooDeep as exc:
            raise HTTPException(400, translate("error.json_too_deep", max=exc.limit)) from exc
        except json.JSONDecodeError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if isinstance(data, bytes):
            if not isinstance(parsed, dict | list):
                raise HTTPException(400, "The request body must be a JSON object.")
            self.documents.expand(parsed)  # by documentId or APQ hash
        return parsed

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET naming a trusted document is a request, not a visit to GraphiQL."""
        params = request.query_params
        return super().should_render_graphql_ide(request) and not (
            params.get("documentId") or params.get("extensions")
        )

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """GET: ``?documentId=sha256:…&variables=…`` names a trusted document."""
        parsed = super().parse_query_params(params)
        self.documents.expand(parsed)
        return parsed

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Errors raised before execution (parsing, limits) get their stable code here; the
        first one's code is the request's outcome in its log line and metrics."""
        if result.errors:
            locale = negotiate(request.headers.get("accept-language"))
            result.errors = [
                e if (e.extensions or {}).get("code") else format_error(e, locale, True)
                for e in result.errors
            ]
            if (facts := current_request()) is not None:
                facts.outcome = str((result.errors[0].extensions or {}).get("code", "ERROR"))
        processed = process_result(result)
        if _ANSWER_MEDIA_TYPE.get() != JSON and is_request_error(result):
            processed.pop("data", None)  # GraphQL over HTTP: a request error has no data entry
        return processed

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
        _note_viewer(viewer)
        return {"street": viewer.street.code if viewer.street else None}
