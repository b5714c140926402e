"""What a provider's answer means: only a proven non-send may be retried blindly."""

import errno
import os

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from relais_notifier.adapters.sms import send_failure
from relais_notifier.domain.sms import Ambiguous, NotSent, Refused, classify_refusal

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, "20429", NotSent("http_429", "20429")),
        (500, None, Ambiguous("http_500")),
        (503, None, NotSent("http_503")),
        (501, None, Ambiguous("http_501")),
        (401, "20003", NotSent("http_401", "20003")),
        (502, None, Ambiguous("http_502")),
        (504, None, Ambiguous("http_504")),
        (400, "21610", Refused("suppressed", "21610", "recipient opted out at the provider")),
        (400, "21614", Refused("failed", "21614", "address is not SMS-capable")),
        (400, "21211", Refused("failed", "21211", "http_400")),
        (404, None, Refused("failed", "404", "http_404")),
    ],
)
def test_classify_refusal(status, code, expected):
    assert classify_refusal(status, code) == expected


def connector_error(errno: int) -> aiohttp.ClientConnectorError:
    key = ConnectionKey("api.example", 443, True, True, None, None, None, None)
    return aiohttp.ClientConnectorError(key, OSError(errno, os.strerror(errno)))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (connector_error(errno.ECONNREFUSED), NotSent),
        (connector_error(errno.EHOSTUNREACH), NotSent),
        (aiohttp.ConnectionTimeoutError("no connection in time"), NotSent),
        (aiohttp.SocketTimeoutError("no answer"), Ambiguous),
        (TimeoutError(), Ambiguous),
        (aiohttp.ServerDisconnectedError(), Ambiguous),
        (aiohttp.ClientOSError(errno.ECONNRESET, "reset while sending"), Ambiguous),
        (aiohttp.ClientPayloadError("answer cut short"), Ambiguous),
        (aiohttp.ClientResponseError(None, (), status=400, message="bad HTTP answer"), Ambiguous),
    ],
)
def test_network_failures_are_classified(error, expected):
    assert isinstance(send_failure(error), expected)
