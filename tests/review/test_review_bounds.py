"""The diff's work is bounded: long texts cost a multiple of their length, not its square."""

from __future__ import annotations

import time
from pathlib import Path

from app.review import values
from app.review.values import word_diff
from tests.review.big import long_answer_cassette, prose
from tests.review.helpers import run


def _rebuilt(ops: tuple[values.WordOp, ...]) -> tuple[str, str]:
    old = "".join(o.text for o in ops if o.op != "insert")
    new = "".join(o.text for o in ops if o.op != "delete")
    return old, new


def test_word_diff_of_long_rewrites_stays_within_its_pair_budget(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compared: list[int] = []
    real = values.difflib.SequenceMatcher

    def counting(junk, a, b, autojunk):  # type: ignore[no-untyped-def]
        compared.append(len(a) * len(b))
        return real(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(values.difflib, "SequenceMatcher", counting)
    for words in (5_000, 16_000):  # line by line, then too many lines: replaced whole
        old, new = prose(words, 1), prose(words, 2)
        one_line = old.replace("\n", " "), new.replace("\n", " ")
        for a, b in ((old, new), one_line):
            compared.clear()
            assert _rebuilt(word_diff(a, b)) == (a, b)  # nothing lost, however it was compared
            assert max(compared, default=0) <= values.PAIR_BUDGET
    # Small edits in a long text are still found, whatever its length: by lines within the
    # budget (5,000 words), by lines that occur once on each side beyond it (16,000, 64,000).
    for words, edits in ((5_000, 9), (16_000, 27), (64_000, 107)):
        lines = prose(words, 1).split("\n")
        edited = [f"{line} and more" if n % 50 == 0 else line for n, line in enumerate(lines)]
        compared.clear()
        ops = word_diff("\n".join(lines), "\n".join(edited))
        assert [o.text for o in ops if o.op == "insert"] == [" and more"] * edits
        assert not [o for o in ops if o.op == "delete"]
        assert max(compared, default=0) <= values.PAIR_BUDGET


def test_edits_in_one_long_paragraph_are_found_by_sentences() -> None:
    sentences = [f"Sentence {n} says {prose(12, n).replace(chr(10), ' ')}." for n in range(1_400)]
    edited = [s.replace("says", "claims") if n % 300 == 0 else s for n, s in enumerate(sentences)]
    ops = word_diff(" ".join(sentences), " ".join(edited))  # 16,800 words, one line
    changed = [(o.op, o.text) for o in ops if o.op != "equal"]
    assert changed == [("delete", "says"), ("insert", "claims")] * 5


def test_small_edit_in_a_long_text_is_still_found_word_by_word() -> None:
    old = prose(20_000, 3)
    new = old.replace("museum", "gallery", 1)
    changed = [(o.op, o.text) for o in word_diff(old, new) if o.op != "equal"]
    assert changed == [("delete", "museum"), ("insert", "gallery")]


def test_two_large_cassettes_diff_in_seconds(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(long_answer_cassette(10_000, 1))
    b.write_text(long_answer_cassette(10_000, 2))
    assert a.stat().st_size > 60_000
    started = time.process_time()
    result = run("diff", str(a), str(b), "--format", "markdown")
    elapsed = time.process_time() - started
    assert result.exit_code == 1
    assert "rewritten (10,000 → 10,000 words)" in result.stdout
    assert len(result.stdout) < 5_000
    assert elapsed < 10, elapsed  # was about 20 s of CPU with an unbounded word diff
