"""Why a change was refused: the exceptions the services raise, and their messages."""

from django.utils.translation import gettext_lazy as _

ERROR_NOT_AN_OFFICER_OF_CITY = _("Only an active officer of this practice's city can do this.")
ERROR_NOT_AN_EDITOR = _("Only an editor can do this.")
ERROR_ALREADY_DECIDED = _(
    "This is no longer awaiting review: another decision was recorded first "
    "(it is now “%(status)s”). Nothing was changed."
)
ERROR_WRONG_STATE = _("This cannot be done to a practice that is “%(status)s”.")
ERROR_MESSAGE_REQUIRED = _("Write a message to the city explaining your decision.")
ERROR_REASON_REQUIRED = _("Give the reason for archiving; it is recorded in the history.")
ERROR_INCOMPLETE = _(
    "The practice is not complete yet. Fill in the missing parts and submit again."
)
ERROR_NOT_EDITABLE = _(
    "This practice cannot be edited while it is “%(status)s”. "
    "Withdraw it from review first if you need to change it."
)
ERROR_STALE = _(
    "This practice was changed after you opened it (%(changes)s). Your text is still in the "
    "form: compare it with the current version, then save again to keep yours."
)
ERROR_STALE_STATUS = _("it is now “%(status)s”")
ERROR_DECISION_STALE = _(
    "This changed after you opened it (%(changes)s). Nothing was decided: the current version "
    "is shown below; read it, then decide again."
)


class WorkflowError(Exception):
    """A change that was refused; ``message`` says why in words for the person acting."""

    def __init__(self, message, *, field_errors=None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


class AlreadyDecided(WorkflowError):
    """Another editor decided first."""


class StaleEdit(WorkflowError):
    """The practice changed since the form was opened."""


class StaleDecision(WorkflowError):
    """The practice or the proposed update changed since the editor opened it."""
