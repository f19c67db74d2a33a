"""Masking runs on every string of every file the index reads: hostile repeats of what the rules
look for (trigger words, key prefixes, form pieces, multipart headers, escaped JSON) must cost
time in proportion to their size, never its square."""

from __future__ import annotations

import threading
import time

import pytest

from app.secrets import mask_text

MB = 400_000  # big enough that a quadratic cost takes hours
HOSTILE = {
    "prose": "token=" * (MB // 6),
    "prose-with-values": "password: ab1 " * (MB // 14),
    "key-prefixes": "sk-" * (MB // 3),
    "jwt-heads": "eyJ" * (MB // 3),
    "json-fields": '"token": "' * (MB // 10),
    "escaped-fields": '\\"token\\": \\"' * (MB // 14),
    "multipart-headers": 'Content-Disposition: form-data; name="api_key"\r\n' * (MB // 48),
    "url-params": "https://h/?" + "&key=abc" * (MB // 8),
    "form": "&".join(["password=abcdefghijklmnop1"] * (MB // 27)),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_repeats_are_masked_in_bounded_time(name: str) -> None:
    """Linear costs take 0.1-3 s here; the quadratic ones this replaced took hours. The bound
    leaves room for a loaded machine (no tracemalloc: it would slow this 5-10x)."""
    text = HOSTILE[name]
    box: list[str] = []
    worker = threading.Thread(target=lambda: box.append(mask_text(text)), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), f"still masking after {time.monotonic() - started:.0f} s"
    assert len(box[0]) <= len(text) + len(text) // 2
