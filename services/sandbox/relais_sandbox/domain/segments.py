"""How many SMS segments a body costs: GSM-7 160/153 (extension chars count double), UCS-2 70/67."""

from __future__ import annotations

from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


def encoding_of(body: str) -> Encoding:
    """GSM-7 when every character is in the basic or extension table, else UCS-2."""
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return "GSM-7" if all(ch in allowed for ch in body) else "UCS-2"


def _pack(units: list[int], single: int, multi: int) -> int:
    """Segments for indivisible units (their sizes) that never straddle two segments."""
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def count_segments(body: str) -> int:
    """Segments a carrier bills for `body` (an empty body still costs one)."""
    if encoding_of(body) == "GSM-7":
        return _pack([2 if ch in GSM7_EXTENSION else 1 for ch in body], 160, 153)
    # UCS-2 counts UTF-16 code units; a surrogate pair stays in one segment.
    return _pack([2 if ord(ch) > 0xFFFF else 1 for ch in body], 70, 67)
