"""Work done once the response has gone to the visitor.

What only some requests cost — rendering and sending an e-mail when an account exists — would
make their answer slower, and so tell who has an account. `after_response(work)` runs `work`
when Django closes the response (the `request_finished` signal, connected by the app that uses
it), in the same thread, after the visitor has the answer.
"""

import logging
import threading

logger = logging.getLogger(__name__)
_waiting = threading.local()


def after_response(work):
    """Run work() after this thread's current response has been sent."""
    if not hasattr(_waiting, "work"):
        _waiting.work = []
    _waiting.work.append(work)


def run_waiting_work(**kwargs):
    """Run what was left for after the response (a request_finished receiver)."""
    work, _waiting.work = getattr(_waiting, "work", []), []
    for each in work:
        try:
            each()
        except Exception:  # the visitor has their answer; the failure is the operators'
            logger.exception("Work left for after the response failed")
