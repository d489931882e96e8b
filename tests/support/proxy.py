"""A round-robin TCP proxy on 127.0.0.1, standing in for the reverse proxy in front of
several Chorus replicas: each connection goes to the next backend that answers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Sequence


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def round_robin(port: int, backends: Sequence[int]) -> AsyncIterator[None]:
    """Listen on `port`, passing each connection to the next of `backends` that accepts."""
    turn = itertools.cycle(backends)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(backends)):
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", next(turn))
            except OSError:
                continue
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
            return
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()
