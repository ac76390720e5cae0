from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .matching import has_words, text_query


class SearchEntryQuerySet(models.QuerySet):
    def matching(self, text):
        """Return the entries whose practice matches a web-search string (PostgreSQL)."""
        if not has_words(text):
            return self
        return self.filter(search_vector=text_query(text))


class SearchEntry(models.Model):
    """What the public search reads of a published practice, in a narrow row of its own.

    On PostgreSQL a trigger on the practice table keeps one entry per published practice,
    with its search vectors (migration 0009): matching, counting and ranking read these small
    rows and the GIN index, never the wide practice rows. On SQLite the table stays empty and
    search reads the practices themselves.
    """

    practice = models.OneToOneField(
        "practices.Practice",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    title = models.CharField(max_length=120)
    published_at = models.DateTimeField(null=True)
    start_year = models.PositiveSmallIntegerField(null=True)
    available_languages = models.CharField(max_length=60)
    evidence_level = models.PositiveSmallIntegerField(null=True)
    is_promising = models.BooleanField(default=False)
    adapted_in = models.PositiveIntegerField(default=0)
    # The structured conditions of transferability, as on the practice (migration 0013).
    yearly_cost = models.CharField(max_length=10, default="")
    staff_needed = models.CharField(max_length=10, default="")
    setup_time = models.CharField(max_length=10, default="")
    population_band = models.CharField(max_length=10, default="")
    city_powers = models.CharField(max_length=200, default="")
    partner_kinds = models.CharField(max_length=200, default="")
    # Title and the opening of the summary, for ranking; everything, for matching.
    rank_vector = SearchVectorField(null=True)
    search_vector = SearchVectorField(null=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["-published_at", "practice"], name="search_entry_newest")]
