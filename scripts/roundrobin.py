"""A minimal round-robin TCP proxy, standing in for a council's load balancer.

Each new client connection goes to the next backend in turn; a backend that refuses
the connection is skipped. It is only here to show the product scales out on
stateless processes: in production use the council's own load balancer.
"""

from __future__ import annotations

import asyncio
import itertools


class RoundRobin:
    def __init__(self, listen_port: int, backends: list[int], host: str = "127.0.0.1") -> None:
        self.listen_port = listen_port
        self.backends = backends
        self.host = host
        self._cycle = itertools.cycle(range(len(backends)))
        self.counts = [0] * len(backends)
        self._server: asyncio.base_events.Server | None = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except RuntimeError:
                pass

    async def _handle(self, c_reader, c_writer) -> None:
        for _ in range(len(self.backends)):
            i = next(self._cycle)
            try:
                b_reader, b_writer = await asyncio.open_connection(self.host, self.backends[i])
            except OSError:
                continue
            self.counts[i] += 1
            await asyncio.gather(self._pipe(c_reader, b_writer), self._pipe(b_reader, c_writer))
            return
        c_writer.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.listen_port)

    async def close(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()
