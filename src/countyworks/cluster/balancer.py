"""A small TCP balancer for the app nodes: round-robin per connection, dead nodes dropped.

``python -m countyworks.cluster.balancer --listen 127.0.0.1:55400 --backend 127.0.0.1:55410 …``

Each client connection goes to the next node that is up. A node is taken out when a connection to
it is refused or its ``/healthz`` stops answering 200 (checked every second), and put back when it
answers again; a connection refused by one node is retried on the next, so a node killed between
two checks costs no request that had not reached it. When no node is up the client gets 503. In
production nginx or HAProxy plays this part (docs/operations.md); this one needs nothing but Python.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import signal

logger = logging.getLogger("countyworks.cluster.balancer")

CHECK_EVERY_S = 1.0
CONNECT_TIMEOUT_S = 2.0
UNAVAILABLE = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.up = dict.fromkeys(backends, True)
        self._turn = itertools.cycle(range(len(backends)))

    def _mark(self, backend: tuple[str, int], up: bool) -> None:
        if self.up[backend] != up:
            logger.warning("node %s:%s is %s", *backend, "back" if up else "down")
        self.up[backend] = up

    def _candidates(self) -> list[tuple[str, int]]:
        start = next(self._turn)
        ordered = self.backends[start:] + self.backends[:start]
        return [b for b in ordered if self.up[b]]

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        for backend in self._candidates():
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(*backend), CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError):
                self._mark(backend, False)
                continue
            await asyncio.gather(_pipe(client_reader, writer), _pipe(reader, client_writer))
            return
        client_writer.write(UNAVAILABLE)
        await _close(client_writer)

    async def check(self, backend: tuple[str, int]) -> bool:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(*backend), CONNECT_TIMEOUT_S)
            writer.write(f"GET /healthz HTTP/1.0\r\nHost: {backend[0]}\r\n\r\n".encode())
            status = await asyncio.wait_for(reader.readline(), CONNECT_TIMEOUT_S)
            await _close(writer)
            return status.split(b" ")[1:2] == [b"200"]
        except (OSError, TimeoutError, IndexError):
            return False

    async def health_loop(self) -> None:
        while True:
            results = await asyncio.gather(*(self.check(b) for b in self.backends))
            for backend, up in zip(self.backends, results, strict=True):
                self._mark(backend, up)
            await asyncio.sleep(CHECK_EVERY_S)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        await _close(writer)


async def _close(writer: asyncio.StreamWriter) -> None:
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


async def serve(listen: tuple[str, int], backends: list[tuple[str, int]]) -> None:
    balancer = Balancer(backends)
    server = await asyncio.start_server(balancer.handle, *listen, backlog=1024)
    checks = asyncio.create_task(balancer.health_loop())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.warning("balancing %s:%s over %s", *listen, ", ".join(f"{h}:{p}" for h, p in backends))
    async with server:
        await stop.wait()
    checks.cancel()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m countyworks.cluster.balancer", description=__doc__)
    parser.add_argument("--listen", type=_address, required=True, help="host:port")
    parser.add_argument("--backend", type=_address, action="append", required=True, help="host:port (repeat)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(serve(args.listen, args.backend))


if __name__ == "__main__":
    main()
