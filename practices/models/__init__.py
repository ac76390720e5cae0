"""The practices domain's models, a module per noun. Import them from here."""

from .classifications import CityRole, Commitment, TargetGroup, Theme
from .content import (
    CLASSIFICATION_FIELDS,
    CONTACT_FIELDS,
    CONTENT_FIELDS,
    DETAIL_FIELDS,
    NOTE_MAX_LENGTH,
    SEARCHED_FIELDS,
    SECTION_MAX_LENGTH,
    SECTIONS,
    SUBMISSION_REQUIRED_FIELDS,
    TRANSLATED_FIELDS,
    WRITE_UP_FIELDS,
)
from .evidence import WHAT_IT_TAKES, EvidenceLevel, evidence_scale
from .history import EVENT_STATES, PracticeChange, ReviewEvent
from .media import PracticeAttachment, PracticeImage, practice_attachment_path
from .outbox import OutgoingEmail
from .practice import Practice, PracticeQuerySet, practice_image_path
from .revisions import PracticeRevision, RevisionQuerySet
from .search_entry import SearchEntry
from .transferability import (
    TRANSFERABILITY_FIELDS,
    CityPower,
    PartnerKind,
    PopulationBand,
    SetupTime,
    StaffNeeded,
    YearlyCost,
)
from .translations import TRANSLATION_LANGUAGES, PracticeTranslation, practice_language_for

__all__ = [
    "CLASSIFICATION_FIELDS",
    "CONTACT_FIELDS",
    "CONTENT_FIELDS",
    "DETAIL_FIELDS",
    "NOTE_MAX_LENGTH",
    "EVENT_STATES",
    "WHAT_IT_TAKES",
    "SEARCHED_FIELDS",
    "SECTION_MAX_LENGTH",
    "SECTIONS",
    "SUBMISSION_REQUIRED_FIELDS",
    "TRANSFERABILITY_FIELDS",
    "TRANSLATED_FIELDS",
    "TRANSLATION_LANGUAGES",
    "WRITE_UP_FIELDS",
    "CityPower",
    "CityRole",
    "Commitment",
    "EvidenceLevel",
    "OutgoingEmail",
    "PartnerKind",
    "PopulationBand",
    "Practice",
    "PracticeAttachment",
    "PracticeChange",
    "PracticeImage",
    "PracticeQuerySet",
    "PracticeRevision",
    "PracticeTranslation",
    "ReviewEvent",
    "RevisionQuerySet",
    "SearchEntry",
    "SetupTime",
    "StaffNeeded",
    "TargetGroup",
    "Theme",
    "YearlyCost",
    "evidence_scale",
    "practice_attachment_path",
    "practice_image_path",
    "practice_language_for",
]
