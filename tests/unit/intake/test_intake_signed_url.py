"""The URL a Twilio signature covers: public URL (with prefix) + app path + raw query."""

from __future__ import annotations

import pytest
from relais_intake.api.twilio_auth import signed_url
from relais_shared.http import app_relative_path
from relais_shared.twilio import compute_signature, is_valid_signature

pytestmark = pytest.mark.unit

TOKEN = "test-token"
PARAMS = [("Body", "Bonjour"), ("From", "+33612345678"), ("MessageSid", "SM1"), ("To", "+339")]
PATH = "/v1/channels/sms/twilio"


@pytest.mark.parametrize(
    ("public_url", "path", "query", "expected"),
    [
        ("http://127.0.0.1:8081", PATH, "", "http://127.0.0.1:8081/v1/channels/sms/twilio"),
        (
            "https://relais.example/intake",
            PATH,
            "",
            "https://relais.example/intake/v1/channels/sms/twilio",
        ),
        (
            "https://relais.example/intake/",
            PATH,
            "",
            "https://relais.example/intake/v1/channels/sms/twilio",
        ),
        (
            "https://relais.example",
            PATH + "/status",
            "nid=abc",
            "https://relais.example/v1/channels/sms/twilio/status?nid=abc",
        ),
        (
            "https://relais.example/a/b",
            PATH + "/status",
            "nid=a%2Fb&x=1",
            "https://relais.example/a/b/v1/channels/sms/twilio/status?nid=a%2Fb&x=1",
        ),
    ],
)
def test_signed_url(public_url, path, query, expected):
    assert signed_url(public_url, path, query) == expected


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"path": PATH, "root_path": ""}, PATH),
        ({"path": "/intake" + PATH, "root_path": "/intake"}, PATH),
        ({"path": PATH, "root_path": "/intake"}, PATH),  # servers that strip it themselves
        ({"path": "/intakes" + PATH, "root_path": "/intake"}, "/intakes" + PATH),
        ({"path": PATH}, PATH),
    ],
)
def test_app_relative_path_drops_the_asgi_root_path(scope, expected):
    assert app_relative_path(scope) == expected


@pytest.mark.parametrize(
    ("signed_as", "public_url"),
    [
        ("https://relais.example:443/intake" + PATH, "https://relais.example/intake"),
        ("https://relais.example/intake" + PATH, "https://relais.example:443/intake"),
        ("http://relais.example:80" + PATH, "http://relais.example"),
        ("http://relais.example" + PATH, "http://relais.example:80"),
    ],
)
def test_default_port_variants_validate(signed_as, public_url):
    signature = compute_signature(TOKEN, signed_as, PARAMS)
    assert is_valid_signature(TOKEN, signed_url(public_url, PATH, ""), PARAMS, signature)


def test_a_non_default_port_or_another_prefix_does_not_validate():
    signature = compute_signature(TOKEN, "https://relais.example:8443/intake" + PATH, PARAMS)
    assert not is_valid_signature(
        TOKEN, signed_url("https://relais.example/intake", PATH, ""), PARAMS, signature
    )
    signature = compute_signature(TOKEN, "https://relais.example" + PATH, PARAMS)
    assert not is_valid_signature(
        TOKEN, signed_url("https://relais.example/intake", PATH, ""), PARAMS, signature
    )


def test_repeated_params_are_all_signed():
    params = PARAMS + [("MediaUrl0", "https://m/1"), ("MediaUrl0", "https://m/2")]
    url = signed_url("https://relais.example", PATH, "")
    signature = compute_signature(TOKEN, url, params)
    assert is_valid_signature(TOKEN, url, params, signature)
    assert not is_valid_signature(TOKEN, url, params[:-1], signature)
