"""A loopback TCP proxy that breaks connections on purpose, for the IMAP fault tests.

`FaultyProxy(port, cut_after=b"APPEND", extra=40)` forwards everything until the
client has sent `cut_after` and `extra` bytes more, then closes both sides: the
server loses the connection in the middle of that command. With `freeze=True`
it instead stops forwarding at that point and keeps the connection open, as a
server that stopped answering. `Silent()` accepts connections and never says a
word, as a server that hangs before its greeting.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import Self


class _Listener:
    """A loopback listening socket served by a thread while in a `with` block; every
    connection it keeps in `_open` is closed when the block ends."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._closed.set()
        self._listener.close()
        with self._lock:
            for each in self._open:
                _close(each)

    def _accept(self) -> None:
        raise NotImplementedError


class FaultyProxy(_Listener):
    """Forwards to 127.0.0.1:`port` until the client sent `cut_after` (+ `extra` bytes)."""

    def __init__(
        self, port: int, cut_after: bytes, extra: int = 0, *, freeze: bool = False
    ) -> None:
        self._upstream = ("127.0.0.1", port)
        self._pattern = cut_after
        self._extra = extra
        self._freeze = freeze
        self.cuts = 0
        super().__init__()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
                server = socket.create_connection(self._upstream, timeout=5)
            except OSError:
                return
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            state = {"left": -1, "stopped": False}  # bytes to pass once the pattern is seen
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket, state: dict[str, int]) -> None:
        tail = b""  # the last bytes sent, shorter than the pattern: it may span two reads
        try:
            while data := client.recv(65536):
                if state["stopped"]:
                    continue  # frozen: swallow everything
                if state["left"] < 0:
                    joined = tail + data
                    at = joined.find(self._pattern)
                    if at < 0:
                        tail = joined[len(joined) - len(self._pattern) + 1 :]
                        server.sendall(data)
                        continue
                    end = at + len(self._pattern) - len(tail)
                    server.sendall(data[:end])
                    data, state["left"] = data[end:], self._extra
                passed = data[: state["left"]]
                server.sendall(passed)
                state["left"] -= len(passed)
                if state["left"] == 0:
                    self._break(client, server, state)
                    if not self._freeze:
                        return
        except OSError:
            pass
        finally:
            if not state["stopped"]:
                _close(client)
                _close(server)

    def _down(self, server: socket.socket, client: socket.socket, state: dict[str, int]) -> None:
        try:
            while data := server.recv(65536):
                if state["stopped"]:
                    continue
                client.sendall(data)
        except OSError:
            pass

    def _break(self, client: socket.socket, server: socket.socket, state: dict[str, int]) -> None:
        self.cuts += 1
        if self._freeze:
            state["stopped"] = 1
            return
        _close(server)
        _close(client)


class Silent(_Listener):
    """A listening socket that accepts and never answers."""

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(connection)


def _close(each: socket.socket) -> None:
    with contextlib.suppress(OSError):
        each.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        each.close()
