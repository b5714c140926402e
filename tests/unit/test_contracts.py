"""Every topic's schema matches the models and every example validates."""

import json

import pytest

from relais_shared import contracts, topics
from relais_shared.errors import InvalidMessage

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("topic", topics.ALL_TOPICS)
def test_committed_schema_matches_models(topic):
    committed = json.loads(contracts.schema_path(topic).read_text())
    assert committed == json.loads(json.dumps(contracts.build_schema(topic))), (
        "schema drifted from the models: run `relais contracts export` "
        "(and make a .v2 topic if the change is breaking)"
    )


@pytest.mark.parametrize("topic", topics.ALL_TOPICS)
def test_every_topic_has_valid_examples(topic):
    examples = sorted((contracts.EXAMPLES_DIR / topic).glob("*.json"))
    assert examples, f"no example for {topic}"
    for path in examples:
        contracts.validate_payload(topic, json.loads(path.read_bytes()))


def test_invalid_payloads_are_classified_without_echoing_patient_data():
    example = next((contracts.EXAMPLES_DIR / topics.CONTACT_RECEIVED).glob("sms_message.json"))
    payload = json.loads(example.read_text())
    payload["data"]["channel"] = "pigeon+33612345678"
    with pytest.raises(InvalidMessage) as err:
        contracts.validate_payload(topics.CONTACT_RECEIVED, payload)
    assert "channel" in str(err.value) and "3361" not in str(err.value)
    with pytest.raises(InvalidMessage):
        contracts.decode(topics.CONTACT_RECEIVED, b"{not json")
    del payload["data"]["dedupe_key"]
    with pytest.raises(InvalidMessage, match="dedupe_key"):
        contracts.validate_payload(topics.CONTACT_RECEIVED, payload)
