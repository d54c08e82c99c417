"""A client generated from our OpenAPI document (openapi-python-client, in tests only) creates a
target and takes it through review to approval against a running server (issue 17, part 5):
the document describes the write bodies, the actions and their answers well enough for a
machine to use them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from django.test import Client

from jixiao.core.models import ApiToken
from jixiao.targets.models import Target, TargetStatus
from jixiao.testing import GOOD_ROWS

GOOD = {"overall": "优", "completeness": "优", "relevance": "优",
        "appropriateness": "良", "feasibility": "良"}  # fmt: skip


@pytest.fixture
def generated(tmp_path, monkeypatch):
    """The client package generated from /api/v1/openapi.json, imported."""
    spec = tmp_path / "openapi.json"
    spec.write_text(Client().get("/api/v1/openapi.json").content.decode(), encoding="utf-8")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": [], "package_name_override": "jixiao_client"}))
    out = tmp_path / "jixiao_client"
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--output-path", str(out), "--meta", "none", "--config", str(config)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module("jixiao_client")
    yield package, json.loads(spec.read_text(encoding="utf-8"))
    for name in [m for m in sys.modules if m == "jixiao_client" or m.startswith("jixiao_client.")]:
        del sys.modules[name]


def operation(package, spec, method: str, path: str):
    """The generated module of one operation, found by its operationId and tag."""
    found = spec["paths"][path][method]
    tag = found["tags"][0].replace(" ", "_").replace("-", "_")
    return importlib.import_module(f"{package.__name__}.api.{tag}.{found['operationId'].lower()}")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_declares_a_target_and_takes_it_to_approval(
    world, live_server, generated
):
    package, spec = generated
    models = importlib.import_module(f"{package.__name__}.models")

    def client(username):
        _t, key = ApiToken.objects.issue(world.users[username])
        return package.AuthenticatedClient(base_url=live_server.url, token=key)

    create = operation(package, spec, "post", "/api/v1/targets")
    body = models.TargetIn.from_dict(
        {
            "region": "100101",
            "year": 2022,
            "unit": {"code": "U1"},
            "project": {"code": "P1"},
            "amounts": {"total": "120.62", "current": "100.12", "carryover": "20.5"},
            "goal": "完成12个老旧小区改造，改善居住环境。",
            "indicators": [
                {**{k: v for k, v in r.items() if k != "value_text"}, "target": r["value_text"]}
                for r in GOOD_ROWS
            ],
        }
    )
    made = create.sync_detailed(client=client("filer"), body=body)
    assert made.status_code == 201, made.content
    target_id = made.parsed.id
    assert made.parsed.status == TargetStatus.DRAFT

    submit = operation(package, spec, "post", "/api/v1/targets/{target_id}/submit")
    approve = operation(package, spec, "post", "/api/v1/targets/{target_id}/approve")
    steps = [
        (submit, "filer", {}),  # 填报完成
        (submit, "leader", {"attest": True}),
        (approve, "business", {"grades": GOOD}),
        (approve, "budget", {"grades": GOOD}),
    ]
    for module, username, action in steps:
        answer = module.sync_detailed(
            target_id, client=client(username), body=models.ActionIn.from_dict(action)
        )
        assert answer.status_code == 200, (username, answer.content)

    get = operation(package, spec, "get", "/api/v1/targets/{target_id}")
    read = get.sync_detailed(target_id, client=client("budget"))
    assert read.status_code == 200 and read.parsed.status == TargetStatus.APPROVED
    assert Target.objects.get(pk=target_id).status == TargetStatus.APPROVED
