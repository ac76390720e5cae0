"""Every change to a practice's state, and to its content, happens here.

Nothing else in the code assigns ``Practice.status`` or ``PracticeRevision.status``. Each
function is atomic: it locks the row, checks that the change is allowed from the current state
and by this actor, records what happened (a ``ReviewEvent`` per change of status, a
``PracticeChange`` per change of content) and queues its e-mails, which leave after the commit.
The functions live by area — drafting, workflow, revisions (proposed updates of published
practices), media — and are all importable from here.
"""

from .adaptations import adapting_cities_wanted, refresh_adapted_in
from .checks import missing_for_submission, missing_in
from .drafting import (
    ERROR_TRANSLATION_LANGUAGE,
    practice_create,
    practice_editor_saved,
    practice_save_draft,
    practice_save_translation,
)
from .errors import (
    ERROR_ALREADY_DECIDED,
    ERROR_DECISION_STALE,
    ERROR_INCOMPLETE,
    ERROR_MESSAGE_REQUIRED,
    ERROR_NOT_AN_EDITOR,
    ERROR_NOT_AN_OFFICER_OF_CITY,
    ERROR_NOT_EDITABLE,
    ERROR_REASON_REQUIRED,
    ERROR_STALE,
    ERROR_WRONG_STATE,
    AlreadyDecided,
    StaleDecision,
    StaleEdit,
    WorkflowError,
)
from .media import (
    ERROR_STORAGE,
    ERROR_TOO_MANY_IMAGES,
    practice_add_attachment,
    practice_add_image,
    practice_remove_attachment,
    practice_remove_image,
    practice_set_main_image,
)
from .revisions import (
    revision_approve,
    revision_reject,
    revision_request_changes,
    revision_save,
    revision_submit,
    revision_withdraw,
)
from .workflow import (
    ALLOWED_TRANSITIONS,
    ERROR_NEVER_DELETE_PUBLISHED,
    practice_approve,
    practice_archive,
    practice_delete_draft,
    practice_record_past_transition,
    practice_reject,
    practice_request_changes,
    practice_restore,
    practice_submit,
    practice_withdraw,
)

__all__ = [
    "adapting_cities_wanted",
    "refresh_adapted_in",
    "ALLOWED_TRANSITIONS",
    "ERROR_ALREADY_DECIDED",
    "ERROR_DECISION_STALE",
    "ERROR_INCOMPLETE",
    "ERROR_MESSAGE_REQUIRED",
    "ERROR_NEVER_DELETE_PUBLISHED",
    "ERROR_NOT_AN_EDITOR",
    "ERROR_NOT_AN_OFFICER_OF_CITY",
    "ERROR_NOT_EDITABLE",
    "ERROR_REASON_REQUIRED",
    "ERROR_STALE",
    "ERROR_STORAGE",
    "ERROR_TOO_MANY_IMAGES",
    "ERROR_TRANSLATION_LANGUAGE",
    "ERROR_WRONG_STATE",
    "AlreadyDecided",
    "StaleDecision",
    "StaleEdit",
    "WorkflowError",
    "missing_for_submission",
    "missing_in",
    "practice_add_attachment",
    "practice_add_image",
    "practice_approve",
    "practice_archive",
    "practice_create",
    "practice_delete_draft",
    "practice_editor_saved",
    "practice_record_past_transition",
    "practice_reject",
    "practice_remove_attachment",
    "practice_remove_image",
    "practice_request_changes",
    "practice_restore",
    "practice_save_draft",
    "practice_save_translation",
    "practice_set_main_image",
    "practice_submit",
    "practice_withdraw",
    "revision_approve",
    "revision_reject",
    "revision_request_changes",
    "revision_save",
    "revision_submit",
    "revision_withdraw",
]
