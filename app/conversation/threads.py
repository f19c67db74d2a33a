"""Threads: which interactions of a cassette continue which, and the conversation they tell.

A chat client resends its whole history on every call, so a request that starts with everything an
earlier interaction sent and received continues it. Anything else in the same file (a title
generator, a sub-agent with its own system prompt, another test's call) shares no such prefix and
starts a thread of its own. Two refinements keep real recordings readable:

- a request equal to an earlier one is a *retry* (after a 429, a timeout): same thread, no new turn;
- a request that shares some of a thread's messages and then goes elsewhere is a *fork* of it,
  unless it diverges from the thread's latest turn and is at least as long (an agent that trims or
  rewrites old messages as it goes keeps its thread).

Each message is fingerprinted once (role + content, see `keys.Fingerprints`) and every prefix of
every request is indexed by a running hash, so finding the longest shared prefix is a dictionary
probe per step of a binary search: the cost is linear in the number of messages, never pairwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.conversation.keys import Fingerprints
from app.model import Interaction, Message, TextPart, Thread, ThreadParent

# APIs whose calls are never turns of a conversation, whatever their body holds.
NOT_CONVERSATIONS = frozenset({"openai.embeddings", "unknown"})
# Endpoints of conversational APIs that only measure a request.
_NOT_TURNS = ("/count_tokens", ":countTokens")

# What a single-call thread does, read from its system prompt (first match wins).
_SIDE_CALLS = (
    ("title", "Title generator"),
    ("summar", "Summary"),
    ("classif", "Classifier"),
)
_LABEL_CHARS = 60


@dataclass(frozen=True, slots=True)
class Threaded:
    """The result: interactions with `thread`/`retry_of` set, the threads, and the conversation."""

    interactions: tuple[Interaction, ...]
    threads: tuple[Thread, ...]
    conversation: tuple[Message, ...]


@dataclass(slots=True)
class _Seq:
    """One interaction's request as fingerprints, with the messages they stand for."""

    messages: list[Message]  # non-empty input messages, in order
    fps: list[int]  # their fingerprints
    prefix: list[int]  # prefix[k] = running hash of the first k fingerprints (prefix[0] = seed)
    system: list[bool]  # whether position k-1 is a system message (for "shares only the system")
    response: Message | None  # the answer, when it has content
    response_fp: int | None


@dataclass(slots=True)
class _ThreadState:
    id: int
    interactions: list[int] = field(default_factory=list)
    last_turn: int = -1  # the latest interaction that is not a retry
    seen: set[int] = field(default_factory=set)  # fingerprints already in the conversation
    parent: ThreadParent | None = None


def detect_threads(interactions: Sequence[Interaction]) -> Threaded:
    """Assign every interaction to at most one thread; never raises on odd input."""
    return _Detector(interactions).run()


class _Detector:
    def __init__(self, interactions: Sequence[Interaction]) -> None:
        self.items = list(interactions)
        self.threads: list[_ThreadState] = []
        self.thread_of: dict[int, int] = {}  # position in `items` -> thread id
        self.retry_of: dict[int, int] = {}
        self.seqs: dict[int, _Seq] = {}
        self.prefix_owner: dict[int, int] = {}  # prefix hash -> latest position holding it
        self.ends: dict[int, int] = {}  # hash of a whole request or request+answer -> position
        self.requests: dict[int, int] = {}  # hash of a whole request -> first position sending it
        self.answered: set[int] = set()  # positions whose answer is already in the conversation
        self.conversation: list[Message] = []
        self.last: int | None = None  # the latest interaction placed in a thread
        self.by_response_id: dict[str, int] = {}
        self.prints = Fingerprints()
        # Request + answer without system messages -> position, for a changed system prompt.
        self.answered_plain: dict[int, int] = {}

    def _stored(self, it: Interaction) -> _Seq | None:
        """The history a request leaves on the server (`previous_response_id`), when recorded."""
        if it.previous_response_id is None:
            return None
        pos = self.by_response_id.get(it.previous_response_id)
        return self.seqs.get(pos) if pos is not None else None

    def run(self) -> Threaded:
        for pos, it in enumerate(self.items):
            if not is_conversation(it):
                continue
            seq = _sequence(it, self._stored(it), self.prints)
            if not seq.fps and seq.response is None:
                continue
            self.seqs[pos] = seq
            self._place(pos, seq)
            self._index(pos, seq)
            self.last = pos
            if it.response_id:
                self.by_response_id[it.response_id] = pos
        return self._result()

    def _place(self, pos: int, seq: _Seq) -> None:
        n = len(seq.fps)
        if not n:
            self._answer_only(pos, seq)
            return
        whole = seq.prefix[n]
        first = self.requests.get(whole)
        if first is not None:
            self._retry(pos, first, seq)
            return
        k = self._shared(seq)
        if k == 0 or not any(not s for s in seq.system[:k]):
            self._new_system_or_start(pos, seq)
            return
        end = self.ends.get(seq.prefix[k])
        if end is not None:
            state = self.threads[self.thread_of[end]]
            if self._root(end) == state.last_turn:
                self._continue(pos, seq, state, k, edited=False)
            else:
                self._start(pos, seq, k, ThreadParent(state.id, self.items[end].index))
            return
        owner = self.prefix_owner[seq.prefix[k]]
        state = self.threads[self.thread_of[owner]]
        owner_len = len(self.seqs[owner].fps) + (self.seqs[owner].response_fp is not None)
        if self._root(owner) == state.last_turn and n >= owner_len:
            self._continue(pos, seq, state, k, edited=True)
        else:
            self._start(pos, seq, k, ThreadParent(state.id, self._fork_point(state, seq, k)))

    def _new_system_or_start(self, pos: int, seq: _Seq) -> None:
        """A request that shares nothing but may still continue a thread under a changed system
        prompt (a date, a file listing): it must then send back an earlier answer too, which a
        side call given the same user text never does."""
        plain = _plain_prefixes(seq)
        for h in reversed(plain[1:]):
            end = self.answered_plain.get(h)
            if end is None:
                continue
            state = self.threads[self.thread_of[end]]
            if self._root(end) == state.last_turn:
                self._continue(pos, seq, state, 0, edited=True)
                return
            break
        self._start(pos, seq, 0, None)

    def _shared(self, seq: _Seq) -> int:
        """Length of the longest prefix some earlier request or answer shares (binary search:
        every prefix of an indexed sequence is indexed too, so membership is monotone in k)."""
        lo, hi = 0, len(seq.fps)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if seq.prefix[mid] in self.prefix_owner:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _root(self, pos: int) -> int:
        return self.retry_of.get(pos, pos)

    def _fork_point(self, state: _ThreadState, seq: _Seq, k: int) -> int:
        """The last interaction of the parent thread whose whole request the fork still shares."""
        for pos in reversed(state.interactions):
            other = self.seqs[pos]
            m = len(other.fps)
            if m <= k and other.prefix[m] == seq.prefix[m]:
                return self.items[pos].index
        return self.items[state.interactions[0]].index

    def _answer_only(self, pos: int, seq: _Seq) -> None:
        """A response with no request (a stream fetched apart, a response-only snapshot): the
        answer the latest turn is still waiting for, or a thread of its own."""
        last = self.last
        if last is not None and self._root(last) not in self.answered:
            state = self.threads[self.thread_of[last]]
            self._join(pos, state)
            self._answer(pos, seq, state, self._root(last))
        else:
            self._start(pos, seq, 0, None)

    def _retry(self, pos: int, first: int, seq: _Seq) -> None:
        state = self.threads[self.thread_of[first]]
        self.retry_of[pos] = first
        self._join(pos, state)
        # An answer the thread does not hold yet (the first attempt failed or broke off).
        if seq.response_fp is not None and seq.response_fp not in state.seen:
            self._answer(pos, seq, state, first)

    def _start(self, pos: int, seq: _Seq, k: int, parent: ThreadParent | None) -> None:
        state = _ThreadState(id=len(self.threads), parent=parent)
        self.threads.append(state)
        self._continue(pos, seq, state, k, edited=False)

    def _continue(self, pos: int, seq: _Seq, state: _ThreadState, k: int, edited: bool) -> None:
        self._join(pos, state)
        state.last_turn = pos
        index = self.items[pos].index
        for msg, fp in zip(seq.messages[k:], seq.fps[k:], strict=True):
            if edited and fp in state.seen:
                continue  # an earlier message kept after an edit further up
            self._emit(msg, fp, index, state)
        self._answer(pos, seq, state, pos)

    def _answer(self, pos: int, seq: _Seq, state: _ThreadState, turn: int) -> None:
        if seq.response is not None and seq.response_fp is not None:
            self._emit(seq.response, seq.response_fp, self.items[pos].index, state)
            self.answered.add(turn)

    def _join(self, pos: int, state: _ThreadState) -> None:
        state.interactions.append(pos)
        self.thread_of[pos] = state.id

    def _emit(self, msg: Message, fp: int, index: int, state: _ThreadState) -> None:
        self.conversation.append(dataclasses.replace(msg, interaction=index, thread=state.id))
        state.seen.add(fp)

    def _index(self, pos: int, seq: _Seq) -> None:
        n = len(seq.fps)
        for h in seq.prefix[1:]:
            self.prefix_owner[h] = pos
        if n:
            self.requests.setdefault(seq.prefix[n], pos)
            self.ends[seq.prefix[n]] = pos
        if seq.response_fp is not None:
            full = hash((seq.prefix[n], seq.response_fp))
            self.prefix_owner[full] = pos
            self.ends[full] = pos
            plain = _plain_prefixes(seq)[-1]
            self.answered_plain[hash((plain, seq.response_fp))] = pos

    def _result(self) -> Threaded:
        out = list(self.items)
        for pos, tid in self.thread_of.items():
            retry = self.retry_of.get(pos)
            out[pos] = dataclasses.replace(
                out[pos],
                thread=tid,
                retry_of=self.items[retry].index if retry is not None else None,
            )
        threads = tuple(
            Thread(
                id=s.id,
                label=self._label(s),
                interactions=tuple(self.items[p].index for p in s.interactions),
                parent=s.parent,
            )
            for s in self.threads
        )
        return Threaded(tuple(out), threads, tuple(self.conversation))

    def _label(self, state: _ThreadState) -> str:
        first = self.seqs[state.interactions[0]]
        user = _first_user_text(first.messages)
        text = _short(user) or _short(first.response.text if first.response else "") or "(no text)"
        turns = sum(1 for p in state.interactions if p not in self.retry_of)
        if turns == 1 and len(self.threads) > 1:
            system = " ".join(m.text for m in first.messages if m.role in ("system", "developer"))
            head = system[:500].lower()
            for word, kind in _SIDE_CALLS:
                if word in head:
                    return f"{kind}: {text}"
        return text


def is_conversation(it: Interaction) -> bool:
    """Embeddings, token counts, model lists and traffic no decoder knows are never turns."""
    if it.api in NOT_CONVERSATIONS:
        return False
    path = it.url.split("?", 1)[0]
    return not path.endswith(_NOT_TURNS)


def _sequence(it: Interaction, stored: _Seq | None, prints: Fingerprints) -> _Seq:
    """The request as fingerprints; `stored` is the earlier exchange it builds on server-side,
    whose request and answer then come first, as if the client had sent them again."""
    messages: list[Message] = []
    fps: list[int] = []
    prefix = [hash(("thread", it.api))]
    system: list[bool] = []
    if stored is not None:
        messages, fps = list(stored.messages), list(stored.fps)
        prefix, system = list(stored.prefix), list(stored.system)
        if stored.response is not None and stored.response_fp is not None:
            messages.append(stored.response)
            fps.append(stored.response_fp)
            prefix.append(hash((prefix[-1], stored.response_fp)))
            system.append(False)
    # Instructions are not kept with a stored response, so clients send them again each time.
    resent = {f for f, sys in zip(fps, system, strict=True) if sys}
    for msg in it.messages:
        print_ = prints.of(msg)
        if print_ is None:
            continue  # a message with no content decides nothing
        fp, is_system = print_
        if is_system and fp in resent:
            continue
        messages.append(msg)
        fps.append(fp)
        prefix.append(hash((prefix[-1], fp)))
        system.append(is_system)
    answer = prints.of(it.response) if it.response is not None else None
    if answer is None:
        return _Seq(messages, fps, prefix, system, None, None)
    return _Seq(messages, fps, prefix, system, it.response, answer[0])


def _plain_prefixes(seq: _Seq) -> list[int]:
    """Running hashes of the request's messages other than system ones."""
    out = [seq.prefix[0]]
    for fp, is_system in zip(seq.fps, seq.system, strict=True):
        if not is_system:
            out.append(hash((out[-1], fp)))
    return out


def _first_user_text(messages: list[Message]) -> str:
    """The user's own words: agents often put a `<system-reminder>`-style block first."""
    texts = [
        p.text.strip()
        for m in messages
        if m.role == "user"
        for p in m.parts
        if isinstance(p, TextPart) and p.text.strip()
    ]
    return next((t for t in texts if not t.startswith("<")), texts[0] if texts else "")


def _short(text: str) -> str:
    """One line of at most _LABEL_CHARS, without Markdown heading marks (`## Current Step`)."""
    line = " ".join(w for w in text.split() if w.strip("#"))
    return line if len(line) <= _LABEL_CHARS else line[: _LABEL_CHARS - 1].rstrip() + "…"
