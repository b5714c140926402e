"""Signing in as the demo users in tests: their passwords and TOTP secrets as
`prepare_database` wrote them, and the one-time code an authenticator app would show.

A TOTP code works once (the router stores the last accepted time-step), so `totp_code`
hands out each step at most once per secret: a second sign-in within 30 s gets the next
step's code (the router accepts one step of drift) and a third waits for the clock.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pyotp

TOTP_FILE = "demo-totp.txt"
_PERIOD = 30
_last_step: dict[str, int] = {}


def demo_passwords(credentials_file: Path) -> dict[str, str]:
    """user -> password, from the `user<TAB>role<TAB>password` file."""
    return {line.split("\t")[0]: line.split("\t")[2]
            for line in credentials_file.read_text().splitlines() if line}


def demo_totp_secrets(credentials_file: Path) -> dict[str, str]:
    """user -> TOTP secret, from `demo-totp.txt` beside the credentials file."""
    path = credentials_file.with_name(TOTP_FILE)
    return {line.split("\t")[0]: line.split("\t")[1]
            for line in path.read_text().splitlines() if line}


async def totp_code(secret: str) -> str:
    """A code for `secret` the router has not seen yet (waits when both steps in reach
    were used)."""
    while True:
        now_step = int(time.time()) // _PERIOD
        step = max(now_step, _last_step.get(secret, -1) + 1)
        if step <= now_step + 1:
            _last_step[secret] = step
            return pyotp.TOTP(secret).generate_otp(step)
        await asyncio.sleep((now_step + 1) * _PERIOD - time.time() + 0.05)


async def sign_in_body(credentials_file: Path, username: str) -> dict[str, str]:
    """The JSON body that signs `username` in, with a fresh TOTP code when they need one."""
    body = {"username": username, "password": demo_passwords(credentials_file)[username]}
    secrets = demo_totp_secrets(credentials_file)
    if username in secrets:
        body["totp"] = await totp_code(secrets[username])
    return body


async def demo_token(client: httpx.AsyncClient, credentials_file: Path, username: str) -> str:
    """A bearer token for a demo user through `POST /v1/auth/login`."""
    answer = await client.post("/v1/auth/login", json=await sign_in_body(credentials_file, username))
    answer.raise_for_status()
    return answer.json()["access_token"]
