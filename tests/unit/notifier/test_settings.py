"""Notifier settings: defaults, environment, URLs, and no default secret in production."""

import pytest
from relais_notifier.settings import NotifierSettings

pytestmark = pytest.mark.unit


def test_defaults(monkeypatch):
    for name in ("RELAIS_SMS_API_BASE", "RELAIS_PUBLIC_URL", "RELAIS_NOTIFIER_PORT",
                 "RELAIS_TWILIO_AUTH_TOKEN", "RELAIS_TWILIO_ACCOUNT_SID", "RELAIS_SMS_FROM",
                 "RELAIS_ENV"):
        monkeypatch.delenv(name, raising=False)
    s = NotifierSettings()
    assert s.notifier_port == 8082
    assert s.sms_api_base == "http://127.0.0.1:8090"
    assert s.public_url == "http://127.0.0.1:8081"
    assert s.sms_from == "+33939000000"
    assert s.twilio_account_sid == "ACdev00000000000000000000000000000"
    assert s.lease_seconds > 2 * s.provider_timeout_seconds


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("RELAIS_NOTIFIER_PORT", "9182")
    monkeypatch.setenv("RELAIS_SMS_API_BASE", "https://api.twilio.com/")
    monkeypatch.setenv("RELAIS_PUBLIC_URL", "https://clinic.example/relais/")
    s = NotifierSettings()
    assert s.notifier_port == 9182 and s.sms_api_base == "https://api.twilio.com"
    assert s.status_callback_url("01936f4e-4000-7cc0") == (
        "https://clinic.example/relais/v1/channels/sms/twilio/status?nid=01936f4e-4000-7cc0"
    )


@pytest.mark.parametrize("base", ["ftp://x", "api.twilio.com", "https://api.twilio.com/2010-04-01",
                                  "https://api.twilio.com?x=1"])
def test_sms_api_base_is_scheme_host_port_only(base):
    with pytest.raises(ValueError):
        NotifierSettings(sms_api_base=base)


def test_production_refuses_the_dev_token():
    with pytest.raises(ValueError, match="twilio_auth_token"):
        NotifierSettings(env="production")
    assert NotifierSettings(env="production", twilio_auth_token="real").env == "production"


def test_callback_nid_is_url_encoded():
    assert NotifierSettings().status_callback_url("a b&c").endswith("?nid=a%20b%26c")


def test_send_pool_defaults_and_environment(monkeypatch):
    s = NotifierSettings()
    assert (s.notifier_send_concurrency, s.notifier_send_queue_max) == (64, 1000)
    assert s.notifier_sweep_interval_seconds == 5.0 and s.notifier_sweep_idle_seconds == 30.0
    monkeypatch.setenv("RELAIS_NOTIFIER_SEND_CONCURRENCY", "32")
    monkeypatch.setenv("RELAIS_NOTIFIER_SEND_QUEUE_MAX", "64")
    assert NotifierSettings().notifier_send_concurrency == 32


@pytest.mark.parametrize("values", [{"notifier_send_concurrency": 0},
                                    {"notifier_send_concurrency": 8, "notifier_send_queue_max": 4},
                                    {"notifier_sweep_interval_seconds": 0}])
def test_send_pool_settings_that_cannot_work_are_refused(values):
    with pytest.raises(ValueError):
        NotifierSettings(**values)
