"""The index behind a running dashboard, kept fresh by background threads.

The first refresh of a large tree takes a while, so it runs in a thread and pages show its
progress instead of blocking startup. With watching on, changed files are re-indexed as they
change; pages compare `generation` and say so rather than silently changing under the reader.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from app import usage
from app.index import Filters, Index, IndexStatus
from app.web.pagecache import PageCache
from app.web.settings import Settings

T = TypeVar("T")

_MEMO_SIZE = 256
_KEEP_WARM = 6


class LiveIndex:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.index = Index(settings.index_path, settings.roots)
        # Set once the first full refresh has finished (tests and benchmarks wait on it).
        self.ready = threading.Event()
        self.failure: str | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._memo: OrderedDict[tuple[int, Hashable], object] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._keep_warm: OrderedDict[Hashable, Callable[[], object]] = OrderedDict()
        self._rebuilding = False
        # Whole answers of the list pages (app/web/pagecache.py).
        self.pages = PageCache()

    @property
    def status(self) -> IndexStatus:
        return self.index.status

    def memo(self, key: Hashable, compute: Callable[[], T], keep_warm: bool = False) -> T:
        """Aggregates every page shows (facets, folders) are computed once per index generation:
        they only change when the index does, and they cost more than the rest of a page.

        With `keep_warm`, the entry is computed again in the background after each refresh, so
        a reader who keeps a costly view open (the usage page) does not pay for every change.
        Only the few most recently asked for are kept warm."""
        if keep_warm:
            with self._memo_lock:
                self._keep_warm[key] = compute
                self._keep_warm.move_to_end(key)
                while len(self._keep_warm) > _KEEP_WARM:
                    self._keep_warm.popitem(last=False)
        st = self.status
        if st.building:
            return compute()
        full = (st.generation, key)
        with self._memo_lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]  # type: ignore[return-value]
        value = compute()
        with self._memo_lock:
            self._memo[full] = value
            while len(self._memo) > _MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def start(self) -> None:
        self._spawn(self._first_refresh, "tapedeck-index")
        if self.settings.watch:
            self._spawn(self._watch, "tapedeck-watch")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self.index.close()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _first_refresh(self) -> None:
        try:
            # Load the price table now, in the background, rather than in the first page
            # request that needs an estimate (it takes a second or two to import).
            usage.warm_up()
            self.index.refresh()
            self.failure = None
            self._warm_memo()
            # Everything loaded so far lives as long as the server: keep it out of the cyclic
            # collector's full passes, which otherwise pause a request now and then (~100 ms).
            gc.freeze()
        except Exception as exc:  # shown on /healthz and the status line, never a crash
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self.ready.set()

    def recover(self) -> None:
        """A request met a damaged index file: rebuild it in the background, once at a time."""
        with self._memo_lock:
            if self._rebuilding:
                return
            self._rebuilding = True

        def rebuild() -> None:
            try:
                self.index.rebuild()
                self.failure = None
                with self._memo_lock:
                    self._memo.clear()
                self.pages.clear()
            except Exception as exc:
                self.failure = f"{type(exc).__name__}: {exc}"
            finally:
                with self._memo_lock:
                    self._rebuilding = False

        self._spawn(rebuild, "tapedeck-rebuild")

    def _warm_memo(self) -> None:
        """Compute the home page's aggregates, and the entries kept warm, for the new generation
        here, in the background, so the first reader after a change does not wait for them."""
        self.memo("folders", self.index.folders)
        self.memo(("facets", Filters()), lambda: self.index.facets(Filters()))
        with self._memo_lock:
            again = list(self._keep_warm.items())
        for key, compute in again:
            self.memo(key, compute)

    def _watch(self) -> None:
        from watchfiles import watch

        roots = [r for r in self.settings.roots if r.exists()]
        if not roots:
            return
        self.ready.wait()
        for changes in watch(
            *roots, stop_event=self._stop, rust_timeout=500, yield_on_timeout=False
        ):
            paths = {Path(p) for _, p in changes}
            try:
                self.index.refresh_paths(paths)
                # The banner says what is wrong now: once a refresh succeeds, nothing is.
                self.failure = None
                self._warm_memo()
            except Exception as exc:
                self.failure = f"{type(exc).__name__}: {exc}"
