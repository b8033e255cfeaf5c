"""Helpers for the read API's tests: a crawler, the schema check, WSGI."""

import json
import re
from contextlib import contextmanager
from urllib.parse import unquote

import hypothesis
import hypothesis.strategies
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from schemathesis import GenerationMode


def api_url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs or None)


def links_in(document):
    """Every API address an answer names: ``api_url``, ``next``, ``stories_url``."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in ("api_url", "next", "stories_url") and isinstance(value, str):
                yield value
            else:
                yield from links_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from links_in(value)


def crawl(client, start, *, limit=500):
    """Every API answer reachable from ``start`` by following the links answers give.

    Returns ``{address: (status, body text)}``.
    """
    seen, queue = {}, list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = url.removeprefix("http://testserver")
        if path in seen:
            continue
        response = client.get(path)
        body = response.content.decode()
        seen[path] = (response.status_code, body)
        if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
            queue.extend(links_in(json.loads(body)))
    return seen


@contextmanager
def in_process_wsgi():
    """Django's WSGI app, usable inside a test's transaction.

    The handler closes connections that look stale at the start and end of
    each request, and inside the test's transaction every connection looks
    so; Django's own test client turns that off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# What the property-based runs hold every answer to (schemathesis' own checks).
SCHEMA_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f]")


def _texts(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)
    else:
        yield str(value)


def _control_characters_in_address(case):
    """Whether the path or query holds a C0 control character.

    The site refuses those addresses before any routing, in plain text
    (newsroom/requestguard.py): they never reach the API, whose contract
    starts after that door.
    """
    # Path parameters come percent-encoded already; query values as they are.
    path = [unquote(text) for text in _texts(case.path_parameters or {})]
    texts = [*path, *_texts(case.query or {})]
    return any(CONTROL_CHARACTER.search(text) for text in texts)


def schema_holds(path, *, real_path_parameters=None, real_queries=(), examples=50):
    """Requests generated from the schema for ``GET path``, sent to the app in process.

    Valid requests and invalid ones (schemathesis' negative mode), and, when
    ``real_path_parameters`` name an existing record or ``real_queries`` hold
    filters that match (each a dict of some parameters, the rest generated),
    valid requests for those, so 200 answers are checked too. Deterministic (derandomized, no example
    database) and bounded. schemathesis' pytest plugin is not used: its
    fixture loader reads a private pytest attribute that pytest 9 removed.
    """
    with in_process_wsgi() as app:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operation = schema[path]["GET"]
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if real_path_parameters:
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real_path_parameters)
            )
        strategies.extend(
            operation.as_strategy(GenerationMode.POSITIVE, query=query) for query in real_queries
        )

        cases = hypothesis.strategies.one_of(strategies).filter(
            lambda case: not _control_characters_in_address(case)
        )

        @hypothesis.settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=cases)
        def check(case):
            # The in-process transport does not decompress what GZipMiddleware sends.
            case.call_and_validate(checks=SCHEMA_CHECKS, headers={"Accept-Encoding": "identity"})

        check()
