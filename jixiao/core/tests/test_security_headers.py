"""Security headers: a Content-Security-Policy that allows no inline script
(and no template that would need it), HSTS and the HTTPS redirect behind an HTTPS proxy, and
`check --deploy` clean with the production settings of docs/deploy.md."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PACKAGE = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("**/templates/**/*.html"))


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_no_template_contains_inline_script():
    assert len(templates()) > 30
    found = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            found += [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, found


def test_pages_send_a_csp_that_forbids_inline_script(world, client_for):
    for response in (Client().get("/login/"), client_for("filer").get("/")):
        assert response.status_code == 200
        csp = policy(response)
        assert csp["script-src"] == ["'self'"]
        assert csp["default-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html) and not HANDLER.search(html)


def test_api_answers_carry_the_policy_too(world):
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert policy(response)["script-src"] == ["'self'"]


def _production_env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests' conftest sets it in the worker that runs
        # them, and a production server never has it.
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "JIXIAO_HTTPS_REDIRECT",
            "JIXIAO_TEST_SQLITE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    # The start line of docs/deploy.md ("nginx in front").
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        ALLOWED_HOSTS="jx.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://jx.example.gov.cn",
        BEHIND_HTTPS_PROXY="1",
        JIXIAO_TRUST_X_REAL_IP="1",
        DJANGO_SETTINGS_MODULE="jixiao.settings",
    )
    env.update(extra)
    return env


def _jixiao(env, cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _jixiao(
        _production_env(tmp_path), tmp_path, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


PROBE = """
from django.test import Client
client = Client(HTTP_HOST="jx.example.gov.cn")
plain = client.get("/login/", HTTP_X_FORWARDED_PROTO="http")
secure = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
print(plain.status_code, plain.get("Location"))
print(secure.status_code, secure.get("Strict-Transport-Security"))
"""


@pytest.mark.slow
def test_behind_an_https_proxy_http_redirects_and_https_sends_hsts(tmp_path):
    env = _production_env(tmp_path)
    assert _jixiao(env, tmp_path, "migrate", "-v", "0").returncode == 0
    result = _jixiao(env, tmp_path, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    plain, secure = result.stdout.strip().splitlines()[-2:]
    assert plain == "301 https://jx.example.gov.cn/login/"
    assert secure == "200 max-age=31536000; includeSubDomains"

    # JIXIAO_HTTPS_REDIRECT=0 leaves the redirect to the proxy; HSTS stays.
    env["JIXIAO_HTTPS_REDIRECT"] = "0"
    result = _jixiao(env, tmp_path, "shell", "-c", PROBE)
    plain, secure = result.stdout.strip().splitlines()[-2:]
    assert plain == "200 None"
    assert secure.endswith("max-age=31536000; includeSubDomains")


@pytest.mark.slow
def test_without_the_proxy_setting_there_is_no_hsts_and_no_redirect(tmp_path):
    env = _production_env(tmp_path)
    del env["BEHIND_HTTPS_PROXY"]
    env["ALLOWED_HOSTS"] = "jx.example.gov.cn"
    assert _jixiao(env, tmp_path, "migrate", "-v", "0").returncode == 0
    result = _jixiao(env, tmp_path, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    plain, secure = result.stdout.strip().splitlines()[-2:]
    assert plain == "200 None" and secure == "200 None"
