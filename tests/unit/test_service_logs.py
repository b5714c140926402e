"""`relais run`'s service logs: rotated when a service starts past the size limit, and
read from their end when a failing service's last lines are shown."""

from __future__ import annotations

import pytest
from relais_cli.services import SPEC_BY_NAME, ServiceProcess, rotate_log

pytestmark = pytest.mark.unit


def test_a_log_past_the_limit_is_kept_as_the_previous_one_and_a_small_one_stays(tmp_path):
    log = tmp_path / "intake.log"
    previous = tmp_path / "intake.log.1"
    previous.write_text("older\n")
    log.write_text("x" * 101)
    rotate_log(log, limit=100)
    assert not log.exists() and previous.read_text() == "x" * 101  # the older one dropped
    log.write_text("small\n")
    rotate_log(log, limit=100)
    assert log.read_text() == "small\n"
    rotate_log(tmp_path / "never-written.log", limit=100)  # nothing to rotate: no error


def test_tail_shows_the_last_lines_of_a_large_log(tmp_path):
    service = ServiceProcess(SPEC_BY_NAME["intake"], {}, tmp_path)
    assert service.tail() == ""
    lines = [f'{{"event": "line {i}"}}' for i in range(100_000)]  # ~2 MB
    service.log_path.write_text("\n".join(lines) + "\n")
    assert service.tail(3).splitlines() == lines[-3:]
