"""The columns of an export, in their one stable order, and what makes a cell safe to open."""

from django.conf import settings
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from practices.models import EvidenceLevel, Practice

# Formulas a spreadsheet would run start with these: such a cell is written as text, with an
# apostrophe first (OWASP's advice for CSV injection), as insights' downloads do.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Between the names of a practice's themes, target groups and roles, in one cell.
SEPARATOR = "; "


def neutralised(value):
    """Return the cell's value, as text with an apostrophe first if a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _field_name(name):
    return capfirst(str(Practice._meta.get_field(name).verbose_name))


def header():
    """Return the names of the columns in the active language, in their order."""
    return [
        _("ID"),
        _("Slug"),
        _("Title"),
        _("City"),
        _("Country"),
        _("Coalition"),
        _("Themes"),
        _("Target groups"),
        _("Role of the city"),
        _("Start year"),
        _field_name("end_year"),
        _("Evidence level"),
        _field_name("summary"),
        _("Language of the text"),
        _("URL"),
        _field_name("published_at"),
        _("Last updated"),
    ]


# Stands for a practice's slug in the address of its page (slugs are lower case).
_SLUG = "SLUG"


def labels():
    """Return the names of the languages and evidence levels, and the address of a practice's
    page around its slug, in the active language: made once per file, not once per row."""
    address = settings.SITE_URL + reverse("public:practice_detail", kwargs={"slug": _SLUG})
    return {
        "languages": {value: str(label) for value, label in Practice.Language.choices},
        "evidence_levels": {value: str(label) for value, label in EvidenceLevel.choices},
        "countries": {},  # filled as rows name them
        "page_address": tuple(address.rsplit(_SLUG, 1)),
    }


def row(practice, names):
    """Return a practice's cells in the order of header(): published content only, never the
    contact person. `names` maps (relation, id) to a name in the active language
    (rows.names_in_active_language)."""
    city = practice.city

    def joined(relation):
        return SEPARATOR.join(names[relation][pk] for pk in practice.export_links.get(relation, []))

    country = city.country.code
    if country not in names["countries"]:
        names["countries"][country] = city.country.name
    cells = [
        practice.pk,
        practice.slug,
        practice.title,
        city.name,
        names["countries"][country],
        names["coalitions"][city.coalition_id],
        joined("themes"),
        joined("target_groups"),
        joined("city_roles"),
        practice.start_year,
        practice.end_year,
        names["evidence_levels"].get(practice.evidence_level, ""),
        practice.summary,
        names["languages"].get(practice.language, practice.language),
        practice.slug.join(names["page_address"]),
        practice.published_at.isoformat() if practice.published_at else "",
        practice.updated_at.isoformat(),
    ]
    return [neutralised(cell) for cell in cells]
