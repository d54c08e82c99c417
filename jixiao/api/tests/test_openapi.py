"""OpenAPI (/api/v1/openapi.json) documents the fields of every object the API answers with
(CONTRACT.md): each read endpoint declares a typed output schema, not a bare dict."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

#: path → fields its 200 answer documents (for a list: the fields of its items).
DOCUMENTED = {
    "/api/v1/targets": {"id", "unit", "project", "status", "amounts", "submitted_at"},
    "/api/v1/targets/{target_id}": {"status", "amounts", "indicators", "findings", "history"},
    "/api/v1/monitoring-rounds": {"code", "period_end", "deadline", "status"},
    "/api/v1/monitoring-rounds/{round_id}": {"reports", "funds", "time_progress", "alerts"},
    "/api/v1/monitoring-reports": {"round", "unit", "project", "status", "budget"},
    "/api/v1/monitoring-reports/{report_id}": {"budget", "indicators", "alerts"},
    "/api/v1/alerts": {"code", "level", "message", "explanation", "due_date", "disposal"},
    "/api/v1/alerts/{alert_id}": {"code", "level", "status", "disposal_reason"},
    "/api/v1/selfevals": {"status", "total", "grade", "reviewed_total", "rulebook"},
    "/api/v1/selfevals/{selfeval_id}": {"total", "table", "score", "reviews"},
    "/api/v1/stats": {"units", "targets", "monitoring", "selfeval", "lint", "on_time"},
    "/api/v1/key-evaluations": {"year", "subject", "project", "unit", "kind", "special_kind"},
    "/api/v1/key-evaluations/{evaluation_id}": {"agency", "experts", "status", "score", "grade"},
    "/api/v1/ex-ante-assessments": {"project", "conclusion", "status"},
    "/api/v1/agencies/{agency_id}": {"credit_code", "blacklisted", "quality_scores"},
    "/api/v1/experts": {"name", "fields_of_expertise", "employer", "title", "available"},
    "/api/v1/rectifications": {"unit", "project", "source", "status", "issued_on", "plan_due"},
    "/api/v1/rectifications/{rectification_id}": {"due", "closed_on", "overdue", "plan"},
    "/api/v1/fund-actions": {"project", "action", "amount", "date", "reason"},
    "/api/v1/linkage-proposals": {"project", "grade", "current_amount", "proposed_amount"},
    "/api/v1/linkage-proposals/{proposal_id}": {"decided_amount", "reason", "status"},
    "/api/v1/unit-assessments": {"unit", "year", "score", "rank"},
    "/api/v1/disclosures": {"kind", "subject", "status", "published_on", "public_url"},
}


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def answer_schema(openapi: dict, path: str, method: str = "get") -> dict:
    response = openapi["paths"][path][method]["responses"]["200"]
    return resolve(openapi, response["content"]["application/json"]["schema"])


@pytest.mark.parametrize("path", DOCUMENTED)
def test_read_endpoint_documents_the_fields_of_its_answer(openapi, path):
    schema = answer_schema(openapi, path)
    if path.endswith("}") or path == "/api/v1/stats":
        fields = schema["properties"]
    else:
        assert {"count", "page", "page_size", "items"} <= set(schema["properties"])
        fields = resolve(openapi, schema["properties"]["items"]["items"])["properties"]
    assert DOCUMENTED[path] <= set(fields)


def test_nested_objects_document_their_fields_too(openapi):
    target = answer_schema(openapi, "/api/v1/targets/{target_id}")["properties"]
    indicator = resolve(openapi, target["indicators"]["items"])["properties"]
    assert {"category", "name", "target", "unit", "parsed", "weight"} <= set(indicator)
    step = resolve(openapi, target["history"]["items"])["properties"]
    assert {"transition", "from", "to", "actor", "comment", "at"} == set(step)
    stats = answer_schema(openapi, "/api/v1/stats")["properties"]
    execution = resolve(openapi, resolve(openapi, stats["monitoring"])["properties"]["execution"])
    assert {"period_end", "time_progress", "funds", "executed", "rate"} == set(
        execution["properties"]
    )


def test_decimals_are_documented_as_strings(openapi):
    amounts = answer_schema(openapi, "/api/v1/targets/{target_id}")["properties"]["amounts"]
    total = resolve(openapi, amounts)["properties"]["total"]
    assert {"type": "string"} in total["anyOf"] and {"type": "number"} not in total["anyOf"]


def test_every_read_endpoint_has_a_typed_answer(openapi):
    """A new GET endpoint without `response=` (or with a bare dict) documents no fields."""
    untyped = []
    for path, operations in openapi["paths"].items():
        if "get" not in operations:
            continue
        schema = answer_schema(openapi, path)
        if not schema.get("properties"):
            untyped.append(path)
    assert untyped == []


def _models(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in getattr(annotation, "__args__", ()):
        _models(arg, seen)


def test_schema_names_are_unique_across_the_api():
    """OpenAPI names a component by its class name: two schemas of one name would show one
    of them under both (say monitoring's and evaluations' `BudgetOut`)."""
    from jixiao.api.urls import api

    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    _models(model, seen)
    names = [m.__name__ for m in seen if m.__module__.startswith("jixiao.")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_every_route_taking_a_body_documents_the_400_of_a_body_that_is_not_json(openapi):
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in {str(k) for k in operation["responses"]}
    ]
    assert undocumented == []
