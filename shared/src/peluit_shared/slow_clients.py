"""Slow clients are cut off; everyone else keeps being served.

uvicorn has a keep-alive timeout but no limit on how long a client may take to send its
request line and headers, nor on a body that trickles: a slow-loris client holds a connection
for ever. `guarded_h11` is uvicorn's h11 protocol with three clocks:

- headers: the request line and headers must be complete within `header_timeout` seconds of
  the connection opening or the previous answer (a client that sends nothing counts too);
- body: while a body is being received, at least `body_min_bytes` must arrive in every window
  of `body_window` seconds (a window in which the service itself paused reading, because the
  handler is busy storing what came, does not count);
- idle: between requests, uvicorn's `timeout_keep_alive`.

The defaults suit a reporter on a poor 3G link uploading a file (a few kB/s); each is a setting.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from peluit_shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class SlowClientLimits:
    header_timeout: float = 20.0
    body_window: float = 30.0
    body_min_bytes: int = 4096


def guarded_h11(limits: SlowClientLimits) -> type[H11Protocol]:
    class GuardedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _body_timer: asyncio.TimerHandle | None = None
        _window_bytes = 0
        _window_paused = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm_header_timer()

        def data_received(self, data: bytes) -> None:
            if self._awaiting_headers() and self._header_timer is None:
                self._arm_header_timer()
            super().data_received(data)
            if self.flow.read_paused:  # the service is busy with what came: not the client's fault
                self._window_paused = True
            if not self._awaiting_headers():
                self._cancel_header_timer()
            if self.conn.their_state is h11.SEND_BODY:
                self._window_bytes += len(data)
                if self._body_timer is None:
                    self._arm_body_timer()
            else:
                self._cancel_body_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_header_timer()
            self._cancel_body_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            self._cancel_body_timer()
            super().on_response_complete()

        def _awaiting_headers(self) -> bool:
            return self.conn.their_state is h11.IDLE and (
                self.cycle is None or self.cycle.response_complete
            )

        def _arm_header_timer(self) -> None:
            self._cancel_header_timer()
            self._header_timer = self.loop.call_later(limits.header_timeout, self._headers_late)

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            self._header_timer = None
            if self._awaiting_headers() and not self.transport.is_closing():
                # A connection kept open between requests is uvicorn's keep-alive clock's.
                if self.timeout_keep_alive_task is not None:
                    return
                log.info("slow_client_cut", phase="headers", seconds=limits.header_timeout)
                self.transport.close()

        def _arm_body_timer(self) -> None:
            self._window_bytes = 0
            self._window_paused = self.flow.read_paused
            self._body_timer = self.loop.call_later(limits.body_window, self._body_window_end)

        def _cancel_body_timer(self) -> None:
            if self._body_timer is not None:
                self._body_timer.cancel()
                self._body_timer = None

        def _body_window_end(self) -> None:
            self._body_timer = None
            if self.conn.their_state is not h11.SEND_BODY or self.transport.is_closing():
                return
            paused = self._window_paused or self.flow.read_paused
            if not paused and self._window_bytes < limits.body_min_bytes:
                log.info("slow_client_cut", phase="body", seconds=limits.body_window)
                if self.cycle is not None:
                    self.cycle.disconnected = True
                    self.cycle.message_event.set()
                self.transport.close()
                return
            self._arm_body_timer()

    return GuardedH11Protocol
