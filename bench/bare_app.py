"""A bare FastAPI endpoint (form parsing, no Kafka, no DB): the HTTP baseline for bench/e2e.py."""

from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response

app = FastAPI()


@app.post("/v1/channels/sms/twilio")
async def webhook(request: Request) -> Response:
    form = dict(parse_qsl((await request.body()).decode()))
    if "MessageSid" not in form:
        return Response(status_code=400)
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', media_type="text/xml")
