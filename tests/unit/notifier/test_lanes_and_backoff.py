"""Per-conversation order in the send pool, and the retry backoff."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from relais_notifier.domain.backoff import retry_delay
from relais_notifier.domain.lanes import Lanes

pytestmark = pytest.mark.unit


def test_a_keys_items_go_one_at_a_time_in_order():
    lanes: Lanes[str] = Lanes()
    lanes.push("conv-1", "guidance")
    lanes.push("conv-1", "ack")
    assert lanes.take() == ("conv-1", "guidance")
    assert lanes.take() is None  # the ack waits while the guidance is busy
    lanes.finish("conv-1")
    assert lanes.take() == ("conv-1", "ack")
    lanes.finish("conv-1")
    assert lanes.take() is None and len(lanes) == 0


def test_other_keys_do_not_wait_for_a_busy_one():
    lanes: Lanes[str] = Lanes()
    lanes.push("stuck", "a1")
    lanes.push("stuck", "a2")
    assert lanes.take() == ("stuck", "a1")
    lanes.push("conv-2", "b1")
    lanes.push("conv-3", "c1")
    assert [lanes.take(), lanes.take()] == [("conv-2", "b1"), ("conv-3", "c1")]
    assert len(lanes) == 4 and lanes.ready() == 0


def test_a_head_put_back_is_taken_again_before_the_items_behind_it():
    lanes: Lanes[str] = Lanes()
    lanes.push("k", "first")
    lanes.push("k", "second")
    assert lanes.take() == ("k", "first")
    lanes.again("k")  # a retry after its backoff
    assert lanes.take() == ("k", "first")
    lanes.finish("k")
    assert lanes.take() == ("k", "second")


def test_ready_keys_are_served_oldest_first():
    lanes: Lanes[str] = Lanes()
    for key in ("a", "b", "c"):
        lanes.push(key, key + "1")
        lanes.push(key, key + "2")
    taken = [lanes.take() for _ in range(3)]
    for key, _ in taken:  # type: ignore[misc]
        lanes.finish(key)
    assert [lanes.take() for _ in range(3)] == [("a", "a2"), ("b", "b2"), ("c", "c2")]


def test_again_on_an_unknown_key_is_a_bug():
    with pytest.raises(KeyError):
        Lanes[str]().again("nobody")


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers()), max_size=40))
def test_every_item_comes_out_once_and_in_its_keys_order(pushes):
    lanes: Lanes[int] = Lanes()
    for key, item in pushes:
        lanes.push(key, item)
    out: dict[str, list[int]] = {}
    while (taken := lanes.take()) is not None:
        key, item = taken
        out.setdefault(key, []).append(item)
        lanes.finish(key)
    expected: dict[str, list[int]] = {}
    for key, item in pushes:
        expected.setdefault(key, []).append(item)
    assert out == expected and len(lanes) == 0


def test_backoff_doubles_up_to_the_cap():
    delays = [retry_delay(n, base=1.0, cap=30.0, jitter=0.0) for n in range(1, 8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert retry_delay(10_000, base=1.0, cap=120.0, jitter=0.0) == 120.0  # no overflow


@given(st.integers(min_value=1, max_value=100), st.floats(min_value=0, max_value=0.999))
def test_jitter_takes_at_most_half_off(retry, jitter):
    full = retry_delay(retry, base=0.5, cap=60.0, jitter=0.0)
    assert full / 2 <= retry_delay(retry, base=0.5, cap=60.0, jitter=jitter) <= full


@pytest.mark.parametrize(("retry", "jitter"), [(0, 0.0), (1, 1.0), (1, -0.1)])
def test_backoff_refuses_nonsense(retry, jitter):
    with pytest.raises(ValueError):
        retry_delay(retry, base=1.0, cap=2.0, jitter=jitter)
