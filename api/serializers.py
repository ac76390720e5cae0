"""What each answer holds: the serializers give the OpenAPI document its shapes, and every
answer goes through them (api.answers builds the data), so the two cannot drift apart."""

from rest_framework import serializers

from practices.models import EvidenceLevel, Practice

LANGUAGE_CHOICES = Practice.Language.choices


class ChoiceSerializer(serializers.Serializer):
    """An option of a fixed list: its value in the address, its name in the language asked."""

    value = serializers.CharField()
    label = serializers.CharField()


class EvidenceLevelSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=EvidenceLevel.values)
    label = serializers.CharField()


class TermSerializer(serializers.Serializer):
    """A theme, role of the city or target group, as a practice names it."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class CoalitionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class CityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField()


class PracticeRefSerializer(serializers.Serializer):
    """Another published practice, named."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    city = serializers.CharField(help_text="Its city's name.")
    url = serializers.URLField(help_text="Its address in this API.")


class PracticeSummarySerializer(serializers.Serializer):
    """A practice as a search result."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.URLField(help_text="Its address in this API.")
    web_url = serializers.URLField(help_text="Its page on the site, in the language asked.")
    title = serializers.CharField()
    summary = serializers.CharField()
    summary_html = serializers.CharField(
        help_text="What the search page shows of the summary: HTML with the words searched "
        "for in <mark> (with words, on PostgreSQL, the passage of the text that matched)."
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES, help_text="The language the practice was written in."
    )
    text_language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        help_text="The language of title and summary here: the one asked for when the practice "
        "is translated into it, else the original's.",
    )
    city = CityRefSerializer()
    coalition = CoalitionRefSerializer()
    themes = TermSerializer(many=True)
    evidence_level = EvidenceLevelSerializer(allow_null=True)
    is_promising = serializers.BooleanField()
    adapted_in = serializers.IntegerField(help_text="How many other cities adapted it.")
    start_year = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class PracticePageSerializer(serializers.Serializer):
    """A page of search results, in the site's order, with the site's counts."""

    count = serializers.IntegerField(help_text="How many practices match, on every page.")
    pages = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    sort = serializers.CharField(help_text="The order used (relevance only with words).")
    suggestion = serializers.CharField(
        allow_null=True, help_text="A spelling to try when the words found nothing."
    )
    results = PracticeSummarySerializer(many=True)


class CommitmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField(help_text='The search\'s name for it: "eccar-7".')
    coalition = serializers.CharField(help_text="Its coalition's slug.")
    number = serializers.IntegerField()
    title = serializers.CharField()


class ImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    alt = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()
    size = serializers.IntegerField(help_text="In bytes.")


class ConditionsSerializer(serializers.Serializer):
    """What it takes to transfer the practice, as its city recorded it."""

    yearly_cost = ChoiceSerializer(allow_null=True)
    staff_needed = ChoiceSerializer(allow_null=True)
    setup_time = ChoiceSerializer(allow_null=True)
    population_band = ChoiceSerializer(allow_null=True)
    city_powers = ChoiceSerializer(many=True)
    partner_kinds = ChoiceSerializer(many=True)


class AdaptationsSerializer(serializers.Serializer):
    adapted_in = serializers.IntegerField(help_text="How many other cities adapted it.")
    inspired_by = PracticeRefSerializer(many=True, help_text="Published practices it adapted.")
    adapted_by = PracticeRefSerializer(many=True, help_text="Published practices adapting it.")


class TranslationSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES)
    url = serializers.URLField(help_text="This practice in that language, in this API.")


class PracticeDetailSerializer(serializers.Serializer):
    """Everything the practice's public page shows (never its contact person)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.URLField()
    web_url = serializers.URLField()
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES)
    text_language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES, help_text="The language of the texts below."
    )
    is_translation = serializers.BooleanField()
    translations = TranslationSerializer(many=True, help_text="Every language it can be read in.")
    title = serializers.CharField()
    summary = serializers.CharField()
    context = serializers.CharField(allow_blank=True)
    implementation = serializers.CharField(allow_blank=True)
    results = serializers.CharField(allow_blank=True)
    why_it_works = serializers.CharField(allow_blank=True)
    challenges = serializers.CharField(allow_blank=True)
    transferability = serializers.CharField(allow_blank=True)
    resources = serializers.CharField(allow_blank=True)
    partners = serializers.ListField(child=serializers.CharField())
    links = serializers.ListField(child=serializers.URLField())
    start_year = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)
    city = CityRefSerializer()
    coalition = CoalitionRefSerializer()
    themes = TermSerializer(many=True)
    commitments = CommitmentRefSerializer(many=True)
    city_roles = TermSerializer(many=True)
    target_groups = TermSerializer(many=True)
    evidence_level = EvidenceLevelSerializer(allow_null=True)
    evidence = serializers.CharField(
        allow_blank=True, help_text="The city's evidence, in the original language."
    )
    is_promising = serializers.BooleanField()
    promising_note = serializers.CharField(allow_blank=True)
    conditions = ConditionsSerializer()
    adaptations = AdaptationsSerializer()
    image = ImageSerializer(allow_null=True)
    images = ImageSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    order = serializers.IntegerField()
    eccar_point = serializers.IntegerField(allow_null=True)
    num_practices = serializers.IntegerField(help_text="Published practices on this theme.")
    practices_url = serializers.URLField(help_text="Its practices, in this API.")


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField(help_text='The search\'s name for it: "eccar-7".')
    coalition = CoalitionRefSerializer()
    number = serializers.IntegerField()
    title = serializers.CharField()
    theme = serializers.CharField(allow_null=True, help_text="Its theme's slug.")
    num_practices = serializers.IntegerField(help_text="Published practices serving it.")
    practices_url = serializers.URLField()


class CoalitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    founded_year = serializers.IntegerField(allow_null=True)
    launched_in = serializers.CharField(allow_blank=True)
    leadership = serializers.CharField(allow_blank=True)
    reported_size = serializers.CharField(allow_blank=True)
    plan_of_action = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    lead_city = serializers.CharField(allow_null=True, help_text="Its lead city's slug.")
    num_cities = serializers.IntegerField()
    num_practices = serializers.IntegerField(help_text="Published practices of its cities.")
    web_url = serializers.URLField()
    practices_url = serializers.URLField()


class CitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField()
    coalition = CoalitionRefSerializer()
    member_since = serializers.IntegerField(allow_null=True)
    is_active_member = serializers.BooleanField()
    website = serializers.CharField(allow_blank=True)
    profile = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    num_practices = serializers.IntegerField(help_text="Its published practices.")
    web_url = serializers.URLField()
    practices_url = serializers.URLField()


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="As the filter's parameter takes it.")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Results with this option, the other filters kept.")
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The filter's parameter.")
    label = serializers.CharField()
    multiple = serializers.BooleanField(help_text="Whether several options may be chosen.")
    options = FacetOptionSerializer(many=True)


class FacetsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many practices match.")
    facets = FacetSerializer(many=True)
