"""``/open311/v2/``: Open311 GeoReport v2 over HTTP (开放 311 接口), mounted by the app from the
cases domain's ``routes``. Every resource comes as ``.json`` or ``.xml``; a refusal is the
spec's error list with HTTP 400, 403 or 404 (translated by ``Accept-Language``). The
behaviour is ``resolvers/cases/open311.py``.

| method and path | what |
|---|---|
| ``GET discovery.json`` | the service discovery document |
| ``GET services.json?jurisdiction_id=`` | the street's categories as services |
| ``GET services/{code}.json`` | a service's definition (no extra attributes) |
| ``GET requests.json`` | public requests (filters; 90 days, 1,000 at most) |
| ``GET requests/{id}.json`` | one request |
| ``POST requests.json`` | report a case, with the street's ``api_key`` |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from core.i18n import negotiate, translate
from resolvers.cases import open311
from resolvers.cases import open311_wire as wire
from resolvers.cases.open311_wire import Open311Error
from resolvers.services import Services
from tenants.scoping import street_scope

PREFIX = "/open311/v2"
Answer = tuple[str, Any]  # the XML root, the body


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _format(request: Request) -> str:
    return wire.split_format(f"x.{request.path_params.get('format', '')}")[1]


def _refusal(request: Request, fmt: str, error: Open311Error) -> Response:
    locale = negotiate(request.headers.get("accept-language"))
    description = translate(error.key, locale, **error.params)
    body = wire.error_body([(error.status, description)])
    return Response(
        wire.render(fmt, "errors", body), error.status, media_type=wire.MEDIA_TYPES[fmt]
    )


def endpoint(
    handler: Callable[[Request, str], Awaitable[Answer]],
) -> Callable[[Request], Awaitable[Response]]:
    """A resource: its format from the path (JSON when the format itself is bad, so the error
    can be read), the handler's answer in that format, an ``Open311Error`` as the spec's
    error list."""

    async def answer(request: Request) -> Response:
        fmt = wire.JSON
        try:
            fmt = _format(request)
            root, body = await handler(request, fmt)
        except Open311Error as error:
            return _refusal(request, fmt, error)
        return Response(wire.render(fmt, root, body), media_type=wire.MEDIA_TYPES[fmt])

    return answer


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _discovery(request: Request, fmt: str) -> Answer:
    base = _base_url(request)
    return "discovery", {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": "街道系统管理员 (the street's administrator)",
        "key_service": "Keys are issued by each street's administrator (issueOpen311Key).",
        "endpoints": [
            {
                "specification": wire.SPECIFICATION,
                "url": base + PREFIX,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": [wire.MEDIA_TYPES[wire.JSON].split(";")[0], "text/xml"],
            }
        ],
    }


async def _service_list(request: Request, fmt: str) -> Answer:
    street = await open311.jurisdiction(
        _services(request), request.query_params.get("jurisdiction_id")
    )
    with street_scope(street.id, writable=False):
        return "services", await open311.service_list()


async def _service_definition(request: Request, fmt: str) -> Answer:
    street = await open311.jurisdiction(
        _services(request), request.query_params.get("jurisdiction_id")
    )
    with street_scope(street.id, writable=False):
        return "service_definition", await open311.service_definition(request.path_params["code"])


def _links(request: Request) -> open311.Links:
    return open311.Links(_services(request), _base_url(request))


async def _request_list(request: Request, fmt: str) -> Answer:
    services = _services(request)
    query = request.query_params
    street = await open311.jurisdiction(services, query.get("jurisdiction_id"))
    params = {name: query.getlist(name) for name in query}
    with street_scope(street.id, writable=False):
        key = await open311.key_of(query.get("api_key"))
        rows = await open311.request_list(
            params, key, street, _links(request), services.clock.now()
        )
    return "service_requests", rows


async def _request_one(request: Request, fmt: str) -> Answer:
    query = request.query_params
    street = await open311.jurisdiction(_services(request), query.get("jurisdiction_id"))
    with street_scope(street.id, writable=False):
        key = await open311.key_of(query.get("api_key"))
        rows = await open311.request_one(request.path_params["id"], key, street, _links(request))
    return "service_requests", rows


async def _create_request(request: Request, fmt: str) -> Answer:
    services = _services(request)
    try:
        form = await request.form()
    except Exception as exc:  # a body that is not a form (or too large a part)
        raise wire.bad_request("open311.bad_form") from exc
    fields = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    street = await open311.jurisdiction(services, fields.get("jurisdiction_id"))
    with street_scope(street.id):
        return "service_requests", await open311.create_request(services, fields)


async def _unknown(request: Request) -> Response:
    return _refusal(request, wire.JSON, Open311Error(404, "open311.no_such_resource"))


ROUTES = Mount(
    PREFIX,
    routes=[
        Route("/discovery.{format}", endpoint(_discovery)),
        Route("/services.{format}", endpoint(_service_list)),
        Route("/services/{code}.{format}", endpoint(_service_definition)),
        Route("/requests.{format}", endpoint(_request_list), methods=["GET"]),
        Route("/requests.{format}", endpoint(_create_request), methods=["POST"]),
        Route("/requests/{id}.{format}", endpoint(_request_one)),
        Route("/{rest:path}", _unknown, methods=["GET", "POST"]),
    ],
)
"""The Open311 endpoint, for the cases domain's ``routes``."""
