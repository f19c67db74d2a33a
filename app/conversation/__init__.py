"""The conversation stage: how the decoded interactions of a cassette relate to each other.

`threads` finds which requests continue which (the contract's threads, retries and forks) and
stitches each thread's messages into the cassette's conversation, every message once; `context`
says what changed between two requests of a thread.
"""

from __future__ import annotations

from app.conversation.keys import message_key
from app.conversation.threads import Threaded, detect_threads

__all__ = ["Threaded", "detect_threads", "message_key"]
