"""A practice's content as plain data, recorded with each review event for later comparison."""

CONTENT_FIELDS = [
    "title",
    "summary",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "partners",
    "start_year",
    "end_year",
    "resources",
    "language",
    "contact_name",
    "contact_role",
    "contact_email",
    "links",
    "image_alt",
]
RELATED_FIELDS = ["themes", "commitments", "city_roles", "target_groups"]


def practice_snapshot(practice):
    """Return the practice's text fields and classifications as a JSON-ready dict."""
    data = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    data["image"] = practice.image.name if practice.image else ""
    for name in RELATED_FIELDS:
        data[name] = sorted(str(item) for item in getattr(practice, name).all())
    return data
