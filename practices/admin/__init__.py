"""The editors' admin of the practices domain, registered by module."""

from . import classifications, practices, records, revisions
from .practices import REVIEW_ACTIONS
from .revisions import REVISION_ACTIONS

__all__ = [
    "REVIEW_ACTIONS",
    "REVISION_ACTIONS",
    "classifications",
    "practices",
    "records",
    "revisions",
]
