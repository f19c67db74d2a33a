"""Large generated inputs for the review's time bounds: long answers and long conversations."""

from __future__ import annotations

import random

from tests.review.cassettes import Turn, chat_cassette
from tests.review.helpers import QUESTION, SYSTEM

_TEXT = (
    "the model answers with a long report about weather rivers cities trains budgets and "
    "the history of every museum in the region including opening hours prices and exhibits"
)
_WORDS = _TEXT.split(" ")


def prose(n_words: int, seed: int) -> str:
    """N words of repetitive English-like text, a line break every 12 words."""
    rng = random.Random(seed)
    words = [rng.choice(_WORDS) for _ in range(n_words)]
    lines = [" ".join(words[i : i + 12]) for i in range(0, n_words, 12)]
    return "\n".join(lines)


def long_answer_cassette(n_words: int, seed: int) -> str:
    """One exchange whose answer is N words of prose drawn from SEED."""
    return chat_cassette([Turn([SYSTEM, QUESTION], reply=prose(n_words, seed))], seed)
