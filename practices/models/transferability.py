"""What a practice needs to work in another city, as data an officer fills and editors check:
its yearly cost, the staff and time it takes, the powers a city must hold, the partners it
relies on, and the size of the city where it ran. The values follow the coalition's reference
list (shared/domain/transferability.csv).

Several powers or partners are stored as ",schools,police," so that one text condition finds
a practice by any of them, on SQLite as on PostgreSQL (as the practice's languages are).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class YearlyCost(models.TextChoices):
    NONE = "none", _("No extra budget (within existing staff and means)")
    LOW = "low", _("Low: under about 25,000 USD a year")
    MEDIUM = "medium", _("Medium: about 25,000 to 250,000 USD a year")
    HIGH = "high", _("High: over about 250,000 USD a year")


class SetupTime(models.TextChoices):
    WEEKS = "weeks", _("A few weeks")
    MONTHS = "months", _("A few months")
    YEAR_PLUS = "year_plus", _("A year or more")


class StaffNeeded(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Volunteers or partners only")
    PART_TIME = "part_time", _("Part of one post")
    TEAM = "team", _("A dedicated team")


class CityPower(models.TextChoices):
    REGULATION = "regulation", _("Local regulation and by-laws")
    HOUSING = "housing", _("Housing (own stock or regulation of renting)")
    SCHOOLS = "schools", _("Schools or education programmes")
    POLICE = "police", _("Municipal police or community safety")
    EMPLOYMENT = "employment", _("Municipal employment and procurement")
    SOCIAL_SERVICES = "social_services", _("Social services and health")
    CULTURE = "culture", _("Culture and public events")


class PartnerKind(models.TextChoices):
    NGO = "ngo", _("Civil society organisations")
    UNIVERSITY = "university", _("Universities and research")
    BUSINESS = "business", _("Businesses and employers")
    EQUALITY_BODY = "equality_body", _("National equality body or ombudsman")
    POLICE = "police", _("National or regional police")


class PopulationBand(models.TextChoices):
    SMALL = "small", _("Under 100,000 inhabitants")
    MEDIUM = "medium", _("100,000 to 500,000 inhabitants")
    LARGE = "large", _("500,000 to 2 million inhabitants")
    METROPOLIS = "metropolis", _("Over 2 million inhabitants")


# The structured conditions, by field name, with their options.
CONDITION_CHOICES = {
    "yearly_cost": YearlyCost,
    "staff_needed": StaffNeeded,
    "setup_time": SetupTime,
    "population_band": PopulationBand,
}
OPTION_SET_CHOICES = {"city_powers": CityPower, "partner_kinds": PartnerKind}
TRANSFERABILITY_FIELDS = [*CONDITION_CHOICES, *OPTION_SET_CHOICES]


def to_option_set(values):
    """Store a list of options as ",a,b," (empty for none), in a stable order."""
    values = sorted(set(values))
    return f",{','.join(values)}," if values else ""


def from_option_set(stored):
    return [value for value in (stored or "").split(",") if value]


def budget_bands_within(budget):
    """Return the cost bands a city with that yearly budget band can afford."""
    order = YearlyCost.values
    return order[: order.index(budget) + 1]


def similar_population_bands(band):
    """Return the bands of cities of a similar size: the same band and the next ones."""
    order = PopulationBand.values
    index = order.index(band)
    return order[max(index - 1, 0) : index + 2]
