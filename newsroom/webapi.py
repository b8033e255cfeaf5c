"""The read API's machinery: strict parameters, cursor pages, validators, CORS.

The API is built with django-ninja. Django REST framework would do too, but
it is built round serializers, viewsets and browsable HTML for read-write
APIs, and its own OpenAPI generator is deprecated in favour of a further
package (drf-spectacular). Ninja gives a read-only API in plain functions
whose type hints are at once the validation and an OpenAPI 3.1 document,
with Swagger UI shipped in its static files (no CDN) and started from a
script file, so the docs page runs under the site's strict CSP as it is.
Apps own their endpoints (``articles/api.py``, ``institutions/api.py``);
the URL map composes them into one ``ReadAPI``. This module names no app.

Contract, the same on every endpoint (docs/api.md):

- A parameter the endpoint does not know, or a value it cannot use, is a 400
  with a message (``Problem``), never ignored and never a 500.
- Lists page with an opaque, signed cursor over their order (newest first
  for stories), never with offsets: ``next`` is the address of the next page.
- Every answer carries an ETag computed from a small query or two (the ids
  and change times of what the answer shows), and ``If-None-Match`` gets a
  304 before anything else is read or rendered.
- ``Cache-Control: public, no-cache``: a copy may be kept but is checked on
  every use, so a withdrawn story leaves every client at its next request
  (304s keep that cheap), and per-Origin CORS answers never reach the shared
  page cache, whose key has no Origin in it.
- Browsers on the origins in ``NEWSROOM_API_CORS_ORIGINS`` may read it.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass
from typing import Annotated

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import urlencode
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from pydantic import Field, ValidationInfo, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from newsroom.pagecache import current_generation
from newsroom.validation import EARLIEST_YEAR, LATEST_YEAR

# Part of every ETag: raise it when any answer's shape changes, so copies
# kept under the old shape are not confirmed with a 304.
API_SHAPE_VERSION = "1"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CACHE_CONTROL = "public, no-cache"
# What a 304 repeats from the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("ETag", "Cache-Control", "Vary")
PREFLIGHT_MAX_AGE = 86400


# --- Errors -----------------------------------------------------------------


class ProblemItem(Schema):
    parameter: str = Field(description="The query or path parameter at fault.")
    message: str


class Problem(Schema):
    """The body of every 4xx answer."""

    detail: str = Field(description="What was wrong, in one sentence a developer can act on.")
    errors: list[ProblemItem] = Field(
        default_factory=list, description="One entry per bad parameter."
    )


class BadParameter(Exception):
    """A parameter's value that parses but means nothing here (an unknown slug...)."""

    def __init__(self, parameter, message):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def problem_response(status, items=(), *, detail=None):
    """A ``Problem`` as a JSON response; ``items`` are (parameter, message) pairs."""
    errors = [{"parameter": parameter, "message": message} for parameter, message in items]
    detail = detail or "; ".join(f"{item['parameter']}: {item['message']}" for item in errors)
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


def _validation_items(errors):
    """(parameter, message) from ninja's pydantic errors, named as the client spelled them."""
    for error in errors:
        context = error.get("ctx") or {}
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        parameter = context.get("parameter") or (location[-1] if location else "request")
        yield parameter, error.get("msg", "Invalid value.")


# --- Strict parameters ------------------------------------------------------


class StrictQuery(Schema):
    """Base of every endpoint's query parameters: a name it does not declare is a 400.

    ninja hands a query schema only the names it declares, silently dropping
    the rest, so a misspelt filter (``?sectoin=``) would answer the whole
    unfiltered list. ninja validates with the request in pydantic's context;
    the full query string is checked against the declared names here.
    """

    @model_validator(mode="before")
    @classmethod
    def _declared_parameters_only(cls, data, info: ValidationInfo):
        request = (info.context or {}).get("request")
        if request is not None:
            known = cls.parameter_names()
            unknown = sorted(name for name in request.GET if name not in known)
            if unknown:
                raise PydanticCustomError(
                    "unknown_parameter",
                    "Unknown parameter. This endpoint takes: {known}.",
                    {"parameter": ", ".join(unknown), "known": ", ".join(sorted(known))},
                )
        return data

    @classmethod
    def parameter_names(cls):
        return {field.alias or name for name, field in cls.model_fields.items()}


def no_query_parameters(run):
    """For ``decorate_view`` on an endpoint without parameters: any query is a 400."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        if request.GET:
            return problem_response(
                400,
                [(", ".join(sorted(request.GET)), "Unknown parameter. This endpoint takes none.")],
            )
        return run(request, *args, **kwargs)

    return checked


def text_parameter(*, pattern, max_length, description):
    """A string query parameter that is absent or matches ``pattern``.

    Documented as a plain string (no ``null``), so generated clients and
    schemathesis send it as a string or leave it out.
    """
    schema = {"type": "string", "pattern": pattern, "maxLength": max_length, "minLength": 1}
    return Annotated[
        str | None,
        Field(pattern=pattern, max_length=max_length, min_length=1, description=description),
        WithJsonSchema(schema),
    ]


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# Signer output: URL-safe base64, with ":" before the signature.
CURSOR_PATTERN = r"^[-A-Za-z0-9_:]+$"

Cursor = text_parameter(
    pattern=CURSOR_PATTERN,
    max_length=500,
    description="Where the page starts: the `next_cursor` of the page before. Leave out for the first page.",
)
PageSize = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, 1-{MAX_PAGE_SIZE}.",
    ),
]


def local_day(day, *, parameter):
    """When the newsroom's day ``day`` starts and ends (the next one's start), aware.

    Years outside 1900-2200 are refused as the admin refuses them
    (newsroom/validation.py): year 1 in Seoul is a timestamp before year 1
    in UTC, which neither Python nor psycopg can hold.
    """
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise BadParameter(parameter, f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    start, end = (
        timezone.make_aware(datetime.datetime.combine(moment, datetime.time.min))
        for moment in (day, day + datetime.timedelta(days=1))
    )
    return start, end


# --- Cursor pages -----------------------------------------------------------


@dataclass(frozen=True)
class Keyset:
    """A list's order, and the signed cursors that resume it.

    ``order`` names fields as ``order_by`` does (``"-published_at", "-pk"``);
    they must be non-null and end in a unique one, so every row has one
    place. A cursor holds the last row's values, signed with the list's own
    salt: it cannot be forged or carried to another list, and needs no
    server-side state. The next page is every row after those values, the
    condition written so its first field bounds an index range.
    """

    name: str
    order: tuple[str, ...]

    def __post_init__(self):
        if self.order[-1].lstrip("-") != "pk":
            raise ValueError("A keyset order ends with the primary key.")

    @property
    def _signer(self):
        return signing.Signer(salt=f"newsroom.webapi.cursor.{self.name}")

    @property
    def fields(self):
        return tuple(field.lstrip("-") for field in self.order)

    def encode(self, values):
        return self._signer.sign_object(
            [value.isoformat() if hasattr(value, "isoformat") else value for value in values]
        )

    def decode(self, queryset, cursor):
        """The values a cursor holds, typed; ``BadParameter`` for anything we did not sign."""
        try:
            raw = self._signer.unsign_object(cursor)
        except (signing.BadSignature, ValueError, UnicodeDecodeError):
            raise BadParameter("cursor", "This cursor was not given out by this list.") from None
        if not isinstance(raw, list) or len(raw) != len(self.order):
            raise BadParameter("cursor", "This cursor was not given out by this list.")
        meta = queryset.model._meta
        try:
            return [
                (meta.pk if name == "pk" else meta.get_field(name)).to_python(value)
                for name, value in zip(self.fields, raw, strict=True)
            ]
        except (DjangoValidationError, TypeError, ValueError):
            raise BadParameter("cursor", "This cursor was not given out by this list.") from None

    def after(self, values):
        """The condition for the rows that come after ``values`` in this order."""
        condition = Q()
        equal = {}
        for field, name, value in zip(self.order, self.fields, values, strict=True):
            later = "lt" if field.startswith("-") else "gt"
            condition |= Q(**equal, **{f"{name}__{later}": value})
            equal[name] = value
        first_field, first = self.order[0], values[0]
        bound = {f"{self.fields[0]}__{'lte' if first_field.startswith('-') else 'gte'}": first}
        return Q(**bound) & condition

    def window(self, queryset, *, cursor, limit, columns=()):
        """One query for a page's keys and validators, as a ``Window``.

        Each row is the order's values followed by ``columns`` (change times
        for the ETag). One row more than the page is read, to know whether
        another page follows.
        """
        if cursor:
            queryset = queryset.filter(self.after(self.decode(queryset, cursor)))
        rows = list(queryset.order_by(*self.order).values_list(*self.fields, *columns)[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = self.encode(rows[-1][: len(self.order)]) if more else None
        return Window(rows=rows, next_cursor=next_cursor, pk_index=len(self.order) - 1)


@dataclass(frozen=True)
class Window:
    """One page of a list as its keys: what the ETag hashes and the rows to fetch."""

    rows: list
    next_cursor: str | None
    pk_index: int

    @property
    def pks(self):
        return [row[self.pk_index] for row in self.rows]

    def arrange(self, objects):
        """``objects`` fetched by ``pks`` (in any order), in the page's order."""
        by_pk = {obj.pk: obj for obj in objects}
        return [by_pk[pk] for pk in self.pks if pk in by_pk]


def next_page_url(request, next_cursor):
    """The absolute address of the next page: this one's parameters, the new cursor."""
    if next_cursor is None:
        return None
    query = [(name, value) for name, value in request.GET.items() if name != "cursor"]
    query.append(("cursor", next_cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


class PageMeta(Schema):
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    next: str | None = Field(description="The next page's absolute address; null on the last.")


# --- Validators -------------------------------------------------------------


def etag_for(request, rows):
    """A strong ETag for this request's answer, from the rows one small query read.

    Besides the rows (ids and change times of everything shown), it covers
    the address with its parameters and host (answers hold absolute links),
    the newsroom's date (an agreement's status, a current position) and the
    page cache's generation, which moves on every change to a record a page
    can show: a renamed section or corrected position changes the answers
    that print it although no story row changed. Without a reachable cache
    the rows alone decide.
    """
    digest = hashlib.sha256()
    generation = current_generation()
    for part in (
        API_SHAPE_VERSION,
        request.build_absolute_uri(request.path),
        urlencode(sorted(request.GET.items())),
        timezone.localdate().isoformat(),
        "" if generation is None else generation,
    ):
        digest.update(f"{part}\x1f".encode())
    for row in rows:
        digest.update(("|".join(str(value) for value in row) + "\x1e").encode())
    return f'"{digest.hexdigest()[:32]}"'


def not_modified(request, response, *, rows):
    """Stamp ``response`` (ninja's) with its validators; the 304 (or 412) if they match.

    Call with the small query's rows before reading anything else. Returns
    None when the full answer must be built.
    """
    response["ETag"] = etag_for(request, rows)
    response["Cache-Control"] = CACHE_CONTROL
    answer = get_conditional_response(request, etag=response["ETag"])
    if answer is None:
        return None
    for name in NOT_MODIFIED_HEADERS:
        if response.has_header(name):
            answer[name] = response[name]
    return answer


def conditional_openapi():
    """The OpenAPI additions of an endpoint answering conditional GETs."""
    return {
        "parameters": [
            {
                "in": "header",
                "name": "If-None-Match",
                "required": False,
                "description": "The ETag of the copy you hold; a 304 if it is still current.",
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            200: {
                "headers": {
                    "ETag": {
                        "description": "Send back in If-None-Match.",
                        "schema": {"type": "string"},
                    }
                }
            }
        },
    }


# --- CORS -------------------------------------------------------------------


def cors_headers_add(request, response, *, preflight=False):
    """CORS headers for the origins in ``NEWSROOM_API_CORS_ORIGINS`` ("*": any).

    Done here rather than with django-cors-headers: the API is the only
    cross-origin resource, it is read-only and anonymous (no credentials),
    and the whole rule is this function, next to the ETag it exposes.
    """
    allowed = {origin.lower() for origin in settings.NEWSROOM_API_CORS_ORIGINS}
    if not allowed:
        return response
    anyone = "*" in allowed
    if not anyone:
        patch_vary_headers(response, ["Origin"])
    origin = request.headers.get("Origin", "")
    if not origin or not (anyone or origin.lower() in allowed):
        return response
    response["Access-Control-Allow-Origin"] = "*" if anyone else origin
    response["Access-Control-Expose-Headers"] = "ETag"
    if preflight:
        # A conditional GET from a script sends If-None-Match, which needs this.
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match"
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _api_view(view):
    """Every API address: CORS on every answer, preflights, HEAD, JSON 405s.

    ninja routes HEAD nowhere (405); as with Django's own views, HEAD is
    answered as GET and the server leaves the body out.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return cors_headers_add(request, HttpResponse(status=204), preflight=True)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405:
            allowed = response.get("Allow", "GET")
            response = problem_response(405, detail=f"This address answers {allowed} only.")
            response["Allow"] = allowed
        # The schema, the docs page and error answers too (see the module's docstring).
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = CACHE_CONTROL
        return cors_headers_add(request, response)

    return wrapped


# --- The API object ---------------------------------------------------------


def _not_found(request, *args, **kwargs):
    return problem_response(404, detail="No API endpoint at this address.")


def _index(request, *args, api, **kwargs):
    """The API's root: where its schema and documentation are."""
    namespace = api.urls_namespace
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": request.build_absolute_uri(reverse(f"{namespace}:openapi-json")),
            "docs": request.build_absolute_uri(reverse(f"{namespace}:openapi-view")),
        }
    )


class ReadAPI(NinjaAPI):
    """A ninja API with the contract above: 400s, JSON 404s, CORS, the local docs page."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            # No validator badge: it would load an image from swagger.io, which
            # the site's CSP (img-src 'self') refuses anyway.
            "docs",
            Swagger(settings={"validatorUrl": None}),
        )
        super().__init__(**kwargs)
        self.add_exception_handler(NinjaValidationError, self._invalid)
        self.add_exception_handler(BadParameter, self._bad_parameter)
        self.add_exception_handler(Http404, self._missing)
        self.add_exception_handler(HttpError, self._http_error)

    @staticmethod
    def _invalid(request, exc):
        return problem_response(400, _validation_items(exc.errors))

    @staticmethod
    def _bad_parameter(request, exc):
        return problem_response(400, [(exc.parameter, exc.message)])

    @staticmethod
    def _missing(request, exc):
        return problem_response(404, detail=str(exc) or "Not found.")

    @staticmethod
    def _http_error(request, exc):
        return problem_response(exc.status_code, detail=str(exc))

    @property
    def urls(self):
        """ninja's URL patterns, each wrapped for CORS, then a JSON 404 for the rest.

        ninja gives only URL patterns (no includes), with its root last.

        The catch-all keeps any other address under the API's prefix from
        answering with the site's HTML 404 page.
        """
        patterns, app_name, namespace = super().urls
        wrapped = []
        for pattern in patterns:
            # ninja's root answers 404 as the site's HTML page; ours says where the docs are.
            view = functools.partial(_index, api=self) if pattern.name == "api-root" else None
            view = _api_view(view or pattern.callback)
            wrapped.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
        wrapped.append(re_path(r"^.*$", _api_view(_not_found), name="not-found"))
        return wrapped, app_name, namespace


def read_api(*routers):
    """The read API at version 1, with each app's router mounted at its root."""
    api = ReadAPI(
        title=f"{settings.NEWSROOM_NAME} API",
        version="1",
        description=(
            "Public stories, institutions, people and agreements, read-only. "
            "Cursor pagination, ETags and the error shape are the same on every endpoint."
        ),
        urls_namespace="api",
    )
    for router in routers:
        api.add_router("", router)
    return api
