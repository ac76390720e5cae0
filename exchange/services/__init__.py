"""Every change the exchange makes: conversations between cities (conversations.py) and the
records of adaptations (adaptations.py), all importable from here."""

from .adaptations import (
    OFFICER_FIELDS as ADAPTATION_FIELDS,
)
from .adaptations import (
    adaptation_approve,
    adaptation_create,
    adaptation_reject,
    adaptation_request_changes,
    adaptation_save,
    require_can_adapt,
)
from .conversations import (
    ERROR_OWN_CITY,
    ExchangeError,
    StaleDecision,
    TooManyQuestions,
    conversation_approve_publication,
    conversation_close,
    conversation_mark_read,
    conversation_offer,
    conversation_refuse_publication,
    conversation_reply,
    conversation_start,
    conversation_withdraw,
    questions_left,
    require_can_ask,
)

__all__ = [
    "ADAPTATION_FIELDS",
    "ERROR_OWN_CITY",
    "ExchangeError",
    "StaleDecision",
    "TooManyQuestions",
    "adaptation_approve",
    "adaptation_create",
    "adaptation_reject",
    "adaptation_request_changes",
    "adaptation_save",
    "conversation_approve_publication",
    "conversation_close",
    "conversation_mark_read",
    "conversation_offer",
    "conversation_refuse_publication",
    "conversation_reply",
    "conversation_start",
    "conversation_withdraw",
    "questions_left",
    "require_can_adapt",
    "require_can_ask",
]
