"""A TCP forwarder that a test can cut and restore, as Toxiproxy does, to take a service away
from a worker without stopping the service (PostgreSQL is shared by every test)."""

from __future__ import annotations

import contextlib
import socket
import threading


class _Pair:
    """One client connection and its upstream connection; the second pipe to end closes both."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.sockets = (client, upstream)
        self._open_pipes = 2
        self._lock = threading.Lock()

    def shut(self) -> None:
        # shutdown, not close: it wakes the pipes blocked in recv (close would not, and would
        # free the descriptor number under them); the peers see the connection end.
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def pipe_ended(self) -> None:
        self.shut()
        with self._lock:
            self._open_pipes -= 1
            last = self._open_pipes == 0
        if last:
            for s in self.sockets:
                s.close()


class TcpProxy:
    """Forwards connections on a free 127.0.0.1 port to `upstream`. `cut()` closes every open
    connection both ways and turns new ones away (accepted, then closed at once: the port stays
    this proxy's); `restore()` forwards again."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._listener.settimeout(0.2)  # the accept loop looks at `_stopping` between waits
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._cut = False
        self._stopping = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)

    def start(self) -> TcpProxy:
        self._acceptor.start()
        return self

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            pairs = list(self._pairs)
        for pair in pairs:
            pair.shut()

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def stop(self) -> None:
        self._stopping.set()
        self._acceptor.join(5)
        self._listener.close()
        self.cut()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            with self._lock:
                refused = self._cut
            if refused:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            pair = _Pair(client, upstream)
            with self._lock:
                if self._cut:  # cut while connecting upstream
                    pair.shut()
                self._pairs.add(pair)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pipe, args=(pair, src, dst), name="tcp-proxy-pipe", daemon=True
                ).start()

    def _pipe(self, pair: _Pair, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._pairs.discard(pair)
            pair.pipe_ended()
