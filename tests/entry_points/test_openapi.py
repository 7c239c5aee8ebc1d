"""The OpenAPI document is valid and describes every route, and only them."""

from __future__ import annotations

import re

from flask import Flask
from openapi_spec_validator import validate

from handler.openapi import DOCUMENT


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"


def test_it_is_served(app: Flask) -> None:
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == DOCUMENT


def test_every_route_is_described_and_every_path_is_a_route(app: Flask) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method not in {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    described = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routes == described
