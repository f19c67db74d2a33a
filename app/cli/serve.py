"""`tapedeck serve`: the web dashboard over one or more roots."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli.common import index_note, roots_or_default, say
from app.index import IndexLocationError, default_index_path

if TYPE_CHECKING:
    from app.web.live import LiveIndex
    from app.web.workers import SharedStatus

_LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ListenError(Exception):
    """The address cannot be listened on; the message says why in a user's words."""


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), so the URL printed is real."""
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off only on sockets that say they are TCP,
    # and with Nagle on, a small answer's body waited for the client's delayed ACK of its
    # headers (40 ms on every keep-alive request after the first).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((bare, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ListenError(
                f"port {port} on {host} is already in use; "
                "choose another with --port (--port 0 picks a free one)"
            ) from exc
        reason = exc.strerror or str(exc)
        raise ListenError(f"cannot listen on {host} port {port}: {reason}") from exc
    return sock


def run_server(app: Any, sock: socket.socket) -> None:
    """Serve `app` on the already listening socket until interrupted."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


def default_workers() -> int:
    """One worker per core this process may use, up to 4: past that the index file's readers,
    not Python, are the limit, and each worker holds its own caches."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4)) if hasattr(os, "fork") else 1


def run_workers(
    app: Any, sock: socket.socket, leader: LiveIndex, shared: SharedStatus, n: int
) -> int:
    """Fork `n` processes that each serve `app` on the listening socket (the kernel spreads
    connections over them), while this one refreshes and watches the index and publishes its
    status to them. Returns the exit status: 1 when a worker stopped on its own."""
    from app.web.workers import POLL

    # Nothing but the socket crosses the fork: no SQLite connection, no thread, no buffered output.
    leader.index.close()
    app.state.live.index.close()
    sys.stdout.flush()
    sys.stderr.flush()
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker's exit is all the parent sees
            code = 0
            try:
                run_server(app, sock)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    leader.start()
    status = 0
    try:
        while not stop.is_set():
            shared.publish(leader.status, leader.ready.is_set(), leader.failure)
            if shared.take_rebuild_request():
                leader.recover()
            ended = [pid for pid in pids if os.waitpid(pid, os.WNOHANG)[0]]
            if ended:
                pids = [pid for pid in pids if pid not in ended]
                if not stop.wait(0.5):  # after a Ctrl-C, the workers may stop first
                    say(f"tapedeck serve: worker {ended[0]} stopped; stopping the others", err=True)
                    status = 1
                break
            stop.wait(POLL)
    finally:
        _stop_workers(pids)
        leader.stop()
    return status


def _stop_workers(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for pid in pids:
        while os.waitpid(pid, os.WNOHANG)[0] == 0:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (the URL printed says which).",
)
@click.option(
    "--index",
    "index_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Index file to use (default: one per set of roots in the user cache folder).",
)
@click.option("--no-watch", is_flag=True, help="Do not re-index files as they change.")
@click.option(
    "--auth-token",
    envvar="TAPEDECK_AUTH_TOKEN",
    help="Require this token (Bearer header, or ?token= once). Env: TAPEDECK_AUTH_TOKEN.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host is NAME (repeatable); loopback names and --host "
    "always are, any other is refused (DNS rebinding).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    help="Processes answering pages (default: one per core, up to 4); the index is refreshed "
    "and watched in one more. 1: everything in one process.",
)
@click.option(
    "--cache-mb",
    type=click.FloatRange(min=0),
    envvar="TAPEDECK_CACHE_MB",
    help="Megabytes of decoded cassettes kept in memory (default 256; a quarter of that again "
    "for each cache of rendered pages, a sixteenth for whole list pages), per worker. "
    "Env: TAPEDECK_CACHE_MB.",
)
def serve(
    paths: tuple[Path, ...],
    host: str,
    port: int,
    index_file: Path | None,
    no_watch: bool,
    auth_token: str | None,
    allow_hosts: tuple[str, ...],
    workers: int | None,
    cache_mb: float | None,
) -> None:
    """Serve the dashboard for the cassettes under PATH (default ./cassettes).

    Listens on 127.0.0.1 unless --host says otherwise, and prints the URL once it listens; a
    port in use exits 2. The index is built in the background, so pages answer at once and show
    its progress; changed files are re-indexed as they change.
    """
    from app.index import budget
    from app.web import Settings, create_app
    from app.web.security import allowed_hosts
    from app.web.workers import LeaderIndex, SharedStatus

    roots = roots_or_default(paths)
    if cache_mb is not None:
        os.environ[budget.ENV] = str(cache_mb)  # read by every cache when it stores
    if auth_token is None and "TAPEDECK_AUTH_TOKEN" in os.environ:
        auth_token = os.environ["TAPEDECK_AUTH_TOKEN"]  # click reads an empty variable as unset
    if auth_token is not None and not auth_token.strip():
        raise click.UsageError(
            "the auth token is empty (--auth-token or TAPEDECK_AUTH_TOKEN): an empty token "
            "would let everyone in; give a real token, or unset it to serve without one"
        )
    settings = Settings(
        roots=roots,
        index_path=index_file or default_index_path(roots),
        watch=not no_watch,
        auth_token=auth_token,
        allowed_hosts=allowed_hosts(host, allow_hosts),
    )
    if not is_loopback(host):
        say(
            f"warning: listening on {host}, beyond this machine; recordings may hold private data."
            + ("" if auth_token else " Consider --auth-token."),
            fg="yellow",
            err=True,
        )
    try:
        sock = open_socket(host, port)
    except ListenError as exc:
        say(f"tapedeck serve: {exc}", err=True)
        sys.exit(2)
    with sock:
        n = workers or default_workers()
        try:
            if n == 1:
                app = create_app(settings)
            else:
                leader = LeaderIndex(settings)
                shared = SharedStatus()
                app = create_app(settings, shared)
        except IndexLocationError as exc:
            raise click.UsageError(str(exc)) from exc
        shown = f"[{host.strip('[]')}]" if ":" in host else host
        url = f"http://{shown}:{sock.getsockname()[1]}/"
        say(f"Tapedeck on {url}" + (f"  (first visit: {url}?token=…)" if auth_token else ""))
        say(index_note(settings.index_path))
        if n == 1:
            run_server(app, sock)
        else:
            sys.exit(run_workers(app, sock, leader, shared, n))
