"""The SmsProvider contract, passed by the in-memory fake and by the Twilio client
talking HTTP to a Twilio-compatible server: what the notifier relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from relais_notifier.adapters.fake_sms import FakeSmsProvider
from relais_notifier.adapters.sms import TwilioSmsProvider, provider_session
from relais_notifier.domain.sms import (
    Accepted,
    Ambiguous,
    NotSent,
    OutboundSms,
    ProviderUnavailable,
    Refused,
)

from tests.conftest import unique_phone
from tests.integration.notifier.fake_twilio import Fail, Hang

pytestmark = pytest.mark.integration
TODAY = datetime.now(UTC).date()


class Twilio:
    """The real client against the fake server; failures are scripted on the server."""

    def __init__(self, fake_twilio) -> None:
        self.server = fake_twilio
        self.client = provider_session(0.5)
        self.provider = TwilioSmsProvider(self.client, base_url=fake_twilio.base_url,
                                          account_sid=fake_twilio.account_sid,
                                          auth_token=fake_twilio.auth_token)

    def script(self, to, kind):
        self.server.plan(to, {"ambiguous": Hang(1.0), "not_sent": Fail(503),
                              "opted_out": Fail(400, 21610)}[kind])


class Fake:
    def __init__(self) -> None:
        self.provider = FakeSmsProvider()

    def script(self, to, kind):
        self.provider.script.append({"ambiguous": Ambiguous("ReadTimeout"),
                                     "not_sent": NotSent("http_503"),
                                     "opted_out": Refused("suppressed", "21610", "x")}[kind])


@pytest.fixture(params=["fake", "twilio"])
async def subject(request, fake_twilio):
    if request.param == "fake":
        yield Fake()
        return
    twilio = Twilio(fake_twilio)
    yield twilio
    await twilio.client.close()


def sms(to: str, body: str = "Relais: test") -> OutboundSms:
    return OutboundSms(to=to, sender="+33939000000", body=body,
                       status_callback="http://intake.test/v1/channels/sms/twilio/status?nid=n")


async def test_an_accepted_message_is_found_afterwards(subject):
    to = unique_phone()
    result = await subject.provider.send(sms(to, "Relais: bonjour"))
    assert isinstance(result, Accepted) and result.sid
    [found] = await subject.provider.find_messages(to=to, sent_since=TODAY)
    assert (found.sid, found.to, found.body) == (result.sid, to, "Relais: bonjour")
    assert found.date_created is not None and found.date_created.date() == TODAY


async def test_an_ambiguous_send_may_still_have_reached_the_provider(subject):
    to = unique_phone()
    subject.script(to, "ambiguous")
    assert isinstance(await subject.provider.send(sms(to)), Ambiguous)
    assert len(await subject.provider.find_messages(to=to, sent_since=TODAY)) == 1


async def test_a_not_sent_answer_leaves_nothing_at_the_provider(subject):
    to = unique_phone()
    subject.script(to, "not_sent")
    assert isinstance(await subject.provider.send(sms(to)), NotSent)
    assert await subject.provider.find_messages(to=to, sent_since=TODAY) == []


async def test_an_opted_out_recipient_is_refused_as_suppressed(subject):
    to = unique_phone()
    subject.script(to, "opted_out")
    result = await subject.provider.send(sms(to))
    assert isinstance(result, Refused) and result.state == "suppressed" and result.code == "21610"


async def test_a_failed_lookup_raises_rather_than_answering_nothing():
    fake = FakeSmsProvider(lookups_fail=True)
    with pytest.raises(ProviderUnavailable):
        await fake.find_messages(to="+33600000000", sent_since=TODAY)
    async with provider_session(5.0) as client:
        unreachable = TwilioSmsProvider(client, base_url="http://127.0.0.1:9",
                                        account_sid="AC" + "0" * 32, auth_token="x")
        with pytest.raises(ProviderUnavailable):
            await unreachable.find_messages(to="+33600000000", sent_since=TODAY)
        assert isinstance(await unreachable.send(sms("+33600000000")), NotSent)
