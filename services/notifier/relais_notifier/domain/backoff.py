"""How long to wait before trying a notification again."""

from __future__ import annotations


def retry_delay(retry: int, *, base: float, cap: float, jitter: float) -> float:
    """Exponential backoff for the `retry`-th retry (1, 2, …), capped, with `jitter` in
    [0, 1) taking up to half off so that notifications failed together spread out."""
    if retry < 1:
        raise ValueError("retry counts from 1")
    if not 0.0 <= jitter < 1.0:
        raise ValueError("jitter is in [0, 1)")
    exponent = min(retry - 1, 62)  # 2**62 already dwarfs any cap; avoids float overflow
    return min(cap, base * 2.0**exponent) * (1.0 - jitter / 2)
