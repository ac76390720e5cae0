"""What a practice says, named once: every list of a practice's fields is built from these."""

from .transferability import TRANSFERABILITY_FIELDS

# The longest text a section may hold (about 3,000 words), and a shorter field (partners,
# resources, links, messages): enough for any write-up, and a bound on what one officer can make
# every page that shows or compares it carry.
SECTION_MAX_LENGTH = 20_000
NOTE_MAX_LENGTH = 5_000

# The six sections of a write-up, in the order of a good one.
SECTIONS = [
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
]
WRITE_UP_FIELDS = ["title", "summary", *SECTIONS]
# What a translation of a practice holds.
TRANSLATED_FIELDS = [*WRITE_UP_FIELDS, "resources"]
# Who took part, when, and with what.
DETAIL_FIELDS = ["partners", "start_year", "end_year", "resources"]
CONTACT_FIELDS = ["contact_name", "contact_role", "contact_email"]
# Everything an officer writes besides the classifications: what snapshots, proposed updates
# and the history compare, in this order.
CONTENT_FIELDS = [
    *WRITE_UP_FIELDS,
    *DETAIL_FIELDS,
    "language",
    *CONTACT_FIELDS,
    "links",
    "image_alt",
    "proposed_evidence_level",
    "evidence",
    *TRANSFERABILITY_FIELDS,
]
# The classifications, by field name.
# (inspired_by: the other cities' practices this one adapted, reviewed with the practice.)
CLASSIFICATION_FIELDS = ["themes", "commitments", "city_roles", "target_groups", "inspired_by"]
# What a practice must have before it can be submitted, besides its classifications.
SUBMISSION_REQUIRED_FIELDS = [*WRITE_UP_FIELDS, "start_year", "contact_name", "contact_email"]
# The text the search matches (search_extra: the names of its city, country, coalition and
# themes, see practices.search.index).
SEARCHED_FIELDS = ["title", "summary", "search_extra", *SECTIONS, "partners", "resources"]
