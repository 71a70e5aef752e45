import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shop.outbox.delivery import DeliveryRun, deliver_pending

PROGRESS_EVERY = 10  # messages between progress lines


class Command(BaseCommand):
    help = (
        "Deliver the outbox's undelivered messages to their handlers, oldest first, at least "
        "once. Safe to run several at once: each skips the rows another holds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help="Deliver at most this many messages a run."
        )
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running: poll for new messages until stopped (SIGTERM or Ctrl-C).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="With --loop: seconds to wait after finding nothing to deliver (default 1).",
        )
        parser.add_argument(
            "--idle-exit",
            type=float,
            default=None,
            metavar="SECONDS",
            help="With --loop: stop after this many seconds with nothing to deliver.",
        )

    def handle(self, *args, limit: int | None, loop: bool, interval: float, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        if not loop:
            self.deliver(limit)
            return
        idle_exit = options["idle_exit"]
        stop = threading.Event()  # set by SIGTERM or Ctrl-C: finish the message in hand, exit
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            idle_since = time.monotonic()
            while not stop.is_set():
                if self.deliver(limit, stop=stop, quiet_when_idle=True):
                    idle_since = time.monotonic()
                elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                    self.stdout.write(f"Nothing to deliver for {idle_exit:g}s; stopping.")
                    break
                else:
                    stop.wait(interval)  # a stop signal ends the wait at once
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def deliver(
        self, limit: int | None, *, stop: threading.Event | None = None, quiet_when_idle=False
    ) -> int:
        """One run over the pending messages; how many it handled."""

        def progress(run: DeliveryRun) -> None:
            handled = run.delivered + run.failed
            if handled % PROGRESS_EVERY == 0:
                self.stdout.write(f"Delivered {run.delivered} of {run.pending} messages…")

        run = deliver_pending(limit=limit, progress=progress, stop=stop)
        handled = run.delivered + run.failed
        if handled or not quiet_when_idle:
            self.stdout.write(self.summary(run))
        return handled

    def summary(self, run: DeliveryRun) -> str:
        line = f"Delivered {run.delivered} of {run.pending} messages"
        if run.failed:
            return self.style.WARNING(
                f"{line}; {run.failed} failed and will be retried "
                "(the error is logged and kept in the message's last_error)."
            )
        return self.style.SUCCESS(f"{line}.")
