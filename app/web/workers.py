"""Several `serve` processes over one index: one leader refreshes it, the workers answer pages.

SQLite in WAL mode lets any number of processes read while one writes, so pages scale with
worker processes; the refresh and the file watcher stay in the leader alone (two indexers would
race each other's writes). What a page says about the index (progress, generation, a failure)
lives in the leader's memory, so the leader copies it into a small shared memory block several
times a second and each worker adopts it from there.
"""

from __future__ import annotations

import gc
import logging
import mmap
import multiprocessing
import os
import signal
import struct
from dataclasses import dataclass

from app import usage
from app.index import IndexStatus
from app.web.live import LiveIndex
from app.web.settings import Settings

log = logging.getLogger("tapedeck.web")

# How often the leader publishes and the workers look (seconds): far below a reader's notice.
POLL = 0.1

# building, done, total, generation, first, ready, rebuild requested, failure length
_HEAD = struct.Struct("<?qqq???H")
_FAILURE_MAX = 2048


@dataclass(frozen=True)
class Snapshot:
    status: IndexStatus
    ready: bool
    failure: str | None


class SharedStatus:
    """The leader's index status, readable by processes forked after it was made."""

    def __init__(self) -> None:
        # Anonymous and MAP_SHARED: the same pages in every process forked from this one.
        self._mem = mmap.mmap(-1, _HEAD.size + _FAILURE_MAX)
        self._lock = multiprocessing.get_context("fork").Lock()

    def publish(self, status: IndexStatus, ready: bool, failure: str | None) -> None:
        text = (failure or "").encode("utf-8")[:_FAILURE_MAX]
        with self._lock:
            rebuild = self._unpack()[6]
            head = _HEAD.pack(
                status.building,
                status.done,
                status.total,
                status.generation,
                status.first,
                ready,
                rebuild,
                len(text) if failure is not None else 0xFFFF,
            )
            self._mem[: _HEAD.size] = head
            self._mem[_HEAD.size : _HEAD.size + len(text)] = text

    def read(self) -> Snapshot:
        with self._lock:
            building, done, total, gen, first, ready, _, n = self._unpack()
            raw = b"" if n == 0xFFFF else self._mem[_HEAD.size : _HEAD.size + n]
        failure = None if n == 0xFFFF else raw.decode("utf-8", errors="replace")
        return Snapshot(IndexStatus(building, done, total, gen, first), ready, failure)

    def request_rebuild(self) -> None:
        """A worker met a damaged index file; only the leader may rebuild it."""
        with self._lock:
            self._set_rebuild(True)

    def take_rebuild_request(self) -> bool:
        with self._lock:
            asked = bool(self._unpack()[6])
            if asked:
                self._set_rebuild(False)
            return asked

    def _unpack(self) -> tuple[bool, int, int, int, bool, bool, bool, int]:
        fields: tuple[bool, int, int, int, bool, bool, bool, int] = _HEAD.unpack(
            self._mem[: _HEAD.size]
        )
        return fields

    def _set_rebuild(self, value: bool) -> None:
        fields = list(self._unpack())
        fields[6] = value
        self._mem[: _HEAD.size] = _HEAD.pack(*fields)


class LeaderIndex(LiveIndex):
    """The leader refreshes and watches but serves no pages: nothing to keep warm here."""

    def _warm_memo(self) -> None:
        pass


class FollowerIndex(LiveIndex):
    """A worker's view of the index: reads the file, takes its status from the leader."""

    def __init__(self, settings: Settings, shared: SharedStatus) -> None:
        super().__init__(settings)
        self.shared = shared
        self._inode = _inode(self.index.db_path)
        self._leader = os.getpid()  # made in the leader, before it forks the workers

    def start(self) -> None:
        self._spawn(self._follow, "tapedeck-follow")

    def recover(self) -> None:
        self.shared.request_rebuild()

    def _follow(self) -> None:
        usage.warm_up()
        warmed = -1
        while not self._stop.is_set():
            if os.getppid() != self._leader:
                # The leader is gone (killed): no one refreshes any more, so stop serving
                # pages that would claim to be live.
                log.warning("the indexing process stopped; this worker stops too")
                os.kill(os.getpid(), signal.SIGTERM)
                return
            snap = self.shared.read()
            self.index.adopt_status(snap.status)
            self.failure = snap.failure
            inode = _inode(self.index.db_path)
            if inode != self._inode:
                # The leader rebuilt the file: connections to the old one would read it forever.
                self._inode = inode
                self.index.close()
                self.pages.clear()
            st = snap.status
            if snap.ready and not st.building and st.generation != warmed:
                warmed = st.generation
                try:
                    self._warm_memo()
                except Exception as exc:  # a page that needs it meets and reports it
                    log.warning("could not precompute the home page's aggregates: %s", exc)
                if not self.ready.is_set():
                    gc.freeze()  # as the single process does once its first refresh is done
                    self.ready.set()
            self._stop.wait(POLL)


def _inode(path: os.PathLike[str]) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1
