"""Twilio-style API errors ({code, message, more_info, status}) raised by the sandbox domain."""

from __future__ import annotations

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"

# Twilio error codes the sandbox answers with (names say what the provider means).
INVALID_PARAMETER = 20001
AUTHENTICATE = 20003
NOT_FOUND = 20404
TOO_MANY_REQUESTS = 20429
INTERNAL_SERVER_ERROR = 20500
INVALID_TO = 21211
INVALID_FROM = 21212
BODY_REQUIRED = 21602
FROM_REQUIRED = 21603
TO_REQUIRED = 21604
FROM_NOT_OWNED = 21606
INVALID_STATUS_CALLBACK = 21609
UNSUBSCRIBED_RECIPIENT = 21610
TO_NOT_REACHABLE = 21612
TO_NOT_MOBILE = 21614
BODY_TOO_LONG = 21617
MESSAGING_SERVICE_NOT_FOUND = 21701
MESSAGING_SERVICE_INVALID = 21705


class TwilioError(Exception):
    """An error the Twilio REST API would answer; `status` is the HTTP status."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": MORE_INFO.format(code=self.code),
            "status": self.status,
        }
