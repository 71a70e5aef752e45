"""A real SMTP server on loopback (aiosmtpd), for mail that must cross a socket.

    with FakeMailServer(delay=0.2) as server:     # a mail server that takes 200 ms
        ... EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port ...
    server.received                              # every message it accepted, in order

``hold_first=True``: the first message is received and recorded, then the server
does not answer it until ``release()``: the sender is stuck mid-send, which is
where a test kills it (``first_received`` is set at that moment).
"""

import asyncio
import email
import threading
import time
from email.message import Message

from aiosmtpd.controller import Controller

from servers import free_port


class FakeMailServer:
    def __init__(self, *, delay: float = 0.0, hold_first: bool = False) -> None:
        self.delay = delay
        self.hold_first = hold_first
        self.received: list[Message] = []
        self.received_at: list[float] = []  # time.perf_counter() when each was taken
        self.lock = threading.Lock()
        self.first_received = threading.Event()
        self.released = threading.Event()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "FakeMailServer":
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
        self.controller.stop()

    def release(self) -> None:
        self.released.set()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)  # the mail server's own latency, on purpose
        with self.lock:
            self.received.append(message)
            self.received_at.append(time.perf_counter())
            first = len(self.received) == 1
        if first and self.hold_first:
            self.first_received.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 60)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.received]
