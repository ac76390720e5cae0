"""A progress bar on standard error, for long commands."""

import sys
import threading
import time


class Progress:
    """A progress bar on standard error: redrawn in place on a terminal, a line per 10 % else."""

    def __init__(self, total, label, stream=None):
        self.total, self.label, self.stream = max(total, 1), label, stream or sys.stderr
        self.done, self.started, self.last_drawn, self.last_tenth = 0, time.monotonic(), 0.0, -1
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.lock = threading.Lock()

    def advance(self, n):
        with self.lock:
            self._advance(n)

    def _advance(self, n):
        self.done += n
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if self.tty and (now - self.last_drawn > 0.2 or self.done >= self.total):
            self.stream.write("\r" + self.line(now))
            self.last_drawn = now
        elif not self.tty and tenth != self.last_tenth:
            self.stream.write(self.line(now) + "\n")
            self.last_tenth = tenth
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now):
        share = self.done / self.total
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed else 0
        left = (self.total - self.done) / rate if rate else 0
        bar = "#" * int(share * 30)
        return (
            f"{self.label} [{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s {elapsed:.0f}s elapsed, {left:.0f}s left"
        )
