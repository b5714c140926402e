"""The inbox's SMS segment counter (ui/segments.js, run by Node.js) agrees with the Python
counter the sandbox bills with, on fixed edge cases and on generated text."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relais_sandbox.domain.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments, encoding_of

pytestmark = pytest.mark.unit

SEGMENTS_JS = Path(str(files("relais_router") / "ui" / "segments.js"))

# Reads one JSON string a line, answers one JSON object a line.
DRIVER = """
import { countSegments } from "./segments.mjs";
import { createInterface } from "node:readline";
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  process.stdout.write(JSON.stringify(countSegments(JSON.parse(line))) + "\\n");
}
"""


class NodeCounter:
    def __init__(self, workdir: Path) -> None:
        node = shutil.which("node")
        if node is None:  # the inbox's counter is untested without it: a defect, not a skip
            pytest.fail("node (Node.js) is required to test ui/segments.js")
        (workdir / "segments.mjs").write_bytes(SEGMENTS_JS.read_bytes())
        (workdir / "driver.mjs").write_text(DRIVER)
        self.proc = subprocess.Popen(
            [node, str(workdir / "driver.mjs")], cwd=workdir, text=True, encoding="utf-8",
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def count(self, body: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(body) + "\n")  # ASCII escapes: surrogate pairs in JS
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "node exited"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def node_counter(tmp_path_factory) -> Iterator[NodeCounter]:
    counter = NodeCounter(tmp_path_factory.mktemp("segments"))
    yield counter
    counter.close()


def expected(body: str) -> dict:
    encoding = encoding_of(body)
    segments = count_segments(body)
    single, multi = (160, 153) if encoding == "GSM-7" else (70, 67)
    return {"encoding": encoding, "segments": segments,
            "perSegment": single if segments == 1 else multi}


EDGE_CASES = [
    "",
    "Bonjour",
    "a" * 160, "a" * 161, "a" * 306, "a" * 307,
    "€" * 80, "€" * 81, "a" * 159 + "€", "a" * 152 + "€" + "a" * 10,
    "a" * 153 + "[" + "a" * 153,
    "Votre rendez-vous est confirmé à 10 h.",  # é is GSM-7
    "Ça va ?", "ça va ?",  # Ç is GSM-7, ç is not
    "L’ordonnance « prête »", "œuf", "â ê î ô û ë ï",
    "ç" * 70, "ç" * 71, "ç" * 134, "ç" * 135,
    "ç" * 69 + "😀", "ç" * 66 + "😀" + "ç" * 10, "😀" * 35, "😀" * 36,
    "\f^{}\\[~]|€", "\r\n", "tab\there", "\u00a0espace insécable",
]


@pytest.mark.parametrize("body", EDGE_CASES)
def test_fixed_strings_count_alike(node_counter, body):
    got = node_counter.count(body)
    assert {k: got[k] for k in ("encoding", "segments", "perSegment")} == expected(body)


def test_the_counter_reports_the_units_it_counted(node_counter):
    assert node_counter.count("a€")["units"] == 3  # an extension character is two septets
    assert node_counter.count("ç😀")["units"] == 3  # a surrogate pair is two code units


SMS_ALPHABET = st.one_of(
    st.sampled_from(sorted(GSM7_BASIC)),
    st.sampled_from(sorted(GSM7_EXTENSION)),
    st.sampled_from(list("çâêîôûëïœ’«»")),
    st.characters(),  # anything, astral planes included (no lone surrogates)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=SMS_ALPHABET, max_size=420))
def test_generated_text_counts_alike(node_counter, body):
    got = node_counter.count(body)
    assert {k: got[k] for k in ("encoding", "segments", "perSegment")} == expected(body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION)), max_size=480))
def test_generated_gsm7_text_counts_alike(node_counter, body):
    got = node_counter.count(body)
    assert got["encoding"] == "GSM-7"
    assert {k: got[k] for k in ("encoding", "segments", "perSegment")} == expected(body)
