"""Intake settings come from RELAIS_* and refuse dev secrets in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from relais_intake.settings import IntakeSettings

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        "RELAIS_ENV",
        "RELAIS_PUBLIC_URL",
        "RELAIS_TWILIO_AUTH_TOKEN",
        "RELAIS_INTAKE_PORT",
        "RELAIS_SITE_NUMBERS",
        "RELAIS_INTAKE_PRODUCE_TIMEOUT_MS",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults():
    settings = IntakeSettings()
    assert (settings.host, settings.intake_port) == ("127.0.0.1", 8081)
    assert settings.public_url == "http://127.0.0.1:8081"
    assert settings.produce_timeout == 4.0
    assert settings.site_numbers == {} and settings.default_region == "FR"
    assert "twilio_auth_token" in settings.secret_fields()


def test_environment(monkeypatch):
    monkeypatch.setenv("RELAIS_INTAKE_PORT", "9001")
    monkeypatch.setenv("RELAIS_PUBLIC_URL", "https://relais.example/intake/")
    monkeypatch.setenv("RELAIS_INTAKE_PRODUCE_TIMEOUT_MS", "500")
    monkeypatch.setenv("RELAIS_SITE_NUMBERS", '{"+33939000000": "lyon"}')
    settings = IntakeSettings()
    assert settings.intake_port == 9001
    assert settings.public_url == "https://relais.example/intake"
    assert settings.produce_timeout == 0.5
    assert settings.site_numbers == {"+33939000000": "lyon"}


@pytest.mark.parametrize("url", ["relais.example", "ftp://relais.example", "https://x/?a=1"])
def test_public_url_must_be_an_absolute_http_base(monkeypatch, url):
    monkeypatch.setenv("RELAIS_PUBLIC_URL", url)
    with pytest.raises(ValidationError):
        IntakeSettings()


def test_production_refuses_the_dev_twilio_token(monkeypatch):
    monkeypatch.setenv("RELAIS_ENV", "production")
    with pytest.raises(ValidationError, match="twilio_auth_token"):
        IntakeSettings()
    monkeypatch.setenv("RELAIS_TWILIO_AUTH_TOKEN", "a-real-secret")
    assert IntakeSettings().env == "production"


def test_voice_settings_read_json_mappings_and_menu_keys_are_digits(monkeypatch):
    monkeypatch.setenv("RELAIS_INTAKE_VOICE_LINES", '{"lyon": "+33478000000"}')
    monkeypatch.setenv("RELAIS_INTAKE_IVR_MENU", '{"1": "rendez-vous"}')
    settings = IntakeSettings()
    assert settings.intake_voice_lines == {"lyon": "+33478000000"}
    assert settings.intake_ivr_menu == {"1": "rendez-vous"}
    monkeypatch.setenv("RELAIS_INTAKE_IVR_MENU", '{"12": "rendez-vous"}')
    with pytest.raises(ValidationError):
        IntakeSettings()
