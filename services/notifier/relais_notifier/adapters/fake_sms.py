"""An in-memory SmsProvider for tests: records sends, answers lookups, scripts failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..domain.sms import (
    Accepted,
    Ambiguous,
    OutboundSms,
    ProviderMessage,
    ProviderUnavailable,
    SendResult,
)


@dataclass
class FakeSmsProvider:
    """`script` holds the results of the next sends (an Ambiguous one still keeps the message,
    as a provider does when only its answer is lost); `lookups_fail` makes lookups fail."""

    sent: list[ProviderMessage] = field(default_factory=list)
    requests: list[OutboundSms] = field(default_factory=list)
    script: list[SendResult] = field(default_factory=list)
    lookups_fail: bool = False

    async def send(self, message: OutboundSms) -> SendResult:
        self.requests.append(message)
        result = self.script.pop(0) if self.script else Accepted(None)
        if isinstance(result, (Accepted, Ambiguous)):
            sid = f"SM{len(self.requests):032x}"
            self.sent.append(
                ProviderMessage(
                    sid=sid,
                    to=message.to,
                    sender=message.sender,
                    body=message.body,
                    status="queued",
                    direction="outbound-api",
                    date_created=datetime.now(UTC),
                )
            )
            if isinstance(result, Accepted):
                return Accepted(sid)
        return result

    async def find_messages(self, *, to: str, sent_since: date) -> list[ProviderMessage]:
        if self.lookups_fail:
            raise ProviderUnavailable("scripted")
        return [
            m for m in self.sent
            if m.to == to and (m.date_created is None or m.date_created.date() >= sent_since)
        ]
