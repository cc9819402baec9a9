"""Pages carry a Content-Security-Policy that forbids inline and third-party scripts; the
templates hold no inline script or event handler that the policy would block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client, world):
    client.force_login(world.agent_user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_the_api_docs_still_render(client, world):
    client.force_login(world.hr)
    assert client.get(reverse("api-docs")).status_code == 200


@pytest.mark.django_db
def test_pages_and_the_api_send_nosniff_and_a_referrer_policy(client, world):
    client.force_login(world.agent_user)
    for response in (client.get(reverse("home")), client.get(reverse("api:staffing:me"))):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
    # and the login page, seen before any session exists
    client.logout()
    login = client.get(reverse("login"))
    assert "Content-Security-Policy" in login
    assert login["X-Frame-Options"] == "DENY"


PRODUCTION_SCRIPT = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "DEBUG")}))
from django.test import Client
# an API answer: the login page would need collectstatic's manifest
response = Client().get("/api/staffing/me/", secure=True, HTTP_HOST="wfm.example.com")
print(json.dumps({"status": response.status_code,
    "hsts": response.get("Strict-Transport-Security", ""),
    "csp": response.get("Content-Security-Policy", "")}))
plain = Client().get("/api/staffing/me/", HTTP_HOST="wfm.example.com")
print(json.dumps({"status": plain.status_code, "location": plain.get("Location", "")}))
"""


def test_production_settings_turn_on_hsts_secure_cookies_and_https(tmp_path):
    import json
    import os
    import subprocess
    import sys

    # given the production settings with the environment they require
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "wfm.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    env.pop("DJANGO_SECURE_HSTS_SECONDS", None)
    # when a fresh interpreter loads them and answers over HTTPS and over plain HTTP
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values, https, http = (json.loads(line) for line in result.stdout.strip().splitlines()[-3:])
    # then HSTS (a year, subdomains, preload), secure cookies and the redirect are on
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["DEBUG"] is False
    assert https["status"] in (401, 403)
    assert https["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in https["csp"]
    assert http["status"] == 301 and http["location"].startswith("https://")
