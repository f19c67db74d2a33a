"""What keeps many readers fast: small answers not held back, repeated pages not rebuilt."""

from __future__ import annotations

import asyncio
import socket

from app.cli.serve import open_socket


def test_accepted_connections_send_small_answers_at_once() -> None:
    """With Nagle's algorithm on, a small answer's body waited for the client's delayed ACK of
    its headers: 40 ms on every keep-alive request after the first."""
    seen: list[int] = []

    async def main() -> None:
        sock = open_socket("127.0.0.1", 0)

        async def on_connect(_r: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        async with server:
            _reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            await _reader.read()  # the server closes after looking
            writer.close()

    asyncio.run(main())
    assert len(seen) == 1
    assert seen[0] != 0
