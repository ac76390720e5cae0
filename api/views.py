"""The open data API, version 1: read-only views of the published content, each answering
GET and HEAD (anything else: 405), checked parameters (400), the rate limit (429), ETags (304),
all errors as problem details (api.problems)."""

from django.http import JsonResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from practices.models import (
    CityPower,
    EvidenceLevel,
    PartnerKind,
    PopulationBand,
    Practice,
    SetupTime,
    StaffNeeded,
    YearlyCost,
)
from practices.search.filters import MAX_QUERY_LENGTH, SORT_CHOICES

from . import answers, serializers
from .caching import cached_answer
from .params import (
    FILTER_PARAMETERS,
    LANGUAGE_PARAMETER,
    LANGUAGES,
    SEARCH_PARAMETERS,
    InvalidParameters,
    check_names,
    requested_language,
    search_parameters,
)
from .problems import PROBLEM_CONTENT_TYPE, ProblemSerializer


def _problem(description):
    return OpenApiResponse(ProblemSerializer, description=description)


PROBLEMS = {
    (400, PROBLEM_CONTENT_TYPE): _problem("A parameter is not valid: `errors` says which."),
    (429, PROBLEM_CONTENT_TYPE): _problem("Too many requests from this address: see Retry-After."),
}
NOT_FOUND = {(404, PROBLEM_CONTENT_TYPE): _problem("Nothing published at this address.")}
LANGUAGE = OpenApiParameter(
    LANGUAGE_PARAMETER,
    str,
    enum=LANGUAGES,
    description="The language of the names and, when the practice is translated into it, of "
    "its text. Without it, the request's Accept-Language; else English.",
)


def _choices(name, choices, description, many=True):
    return OpenApiParameter(
        name,
        str,
        enum=[str(value) for value in choices],
        many=many or None,
        explode=True if many else None,
        description=description,
    )


def _slugs(name, description, many=True):
    return OpenApiParameter(
        name, str, many=many, explode=True if many else None, description=description
    )


SEARCH_FILTERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description='Words, as in the site\'s search box: "phrases", `or`, `-excluded` '
        f"(at most {MAX_QUERY_LENGTH} characters).",
    ),
    _slugs("theme", "Theme slugs (/api/v1/themes/); any of them."),
    _slugs("coalition", "A coalition's slug.", many=False),
    _slugs("country", "An ISO 3166-1 alpha-2 country code of a member city.", many=False),
    _slugs("city", "A city's slug.", many=False),
    _slugs("role", "Role-of-the-city slugs; any of them."),
    _slugs("target", "Target group slugs; any of them."),
    _slugs("commitment", 'Commitment slugs ("eccar-7"); any of them.'),
    _choices("evidence", EvidenceLevel.values, "Evidence levels; any of them."),
    _choices("promising", ["1"], "1: only the practices the editors marked as promising."),
    _choices("adapted", ["1"], "1: only the practices other cities adapted."),
    _choices("cost", YearlyCost.values, "Yearly costs; any of them."),
    _choices("staff", StaffNeeded.values, "Staff needed; any of them."),
    _choices("setup", SetupTime.values, "Times to set up; any of them."),
    _choices("population", PopulationBand.values, "Sizes of the city where it ran; any."),
    _choices("needs", CityPower.values, "Powers it needs; any of them."),
    _choices("partner", PartnerKind.values, "Partners it relies on; any of them."),
    _choices("size", PopulationBand.values, "What fits my city: its size.", many=False),
    _choices("budget", YearlyCost.values, "What fits my city: its yearly budget.", many=False),
    _choices("powers", CityPower.values, "What fits my city: the powers it has."),
    OpenApiParameter("year_from", int, description="Started in or after (1900–2100)."),
    OpenApiParameter("year_to", int, description="Started in or before (1900–2100)."),
    _choices("language", Practice.Language.values, "Readable in this language.", many=False),
    _choices(
        "sort",
        [value for value, _label in SORT_CHOICES],
        "The order (default: relevance with words, else newest).",
        many=False,
    ),
]
assert [parameter.name for parameter in SEARCH_FILTERS] == FILTER_PARAMETERS
PAGE = OpenApiParameter("page", int, description="The page, from 1 (20 results a page).")


class ReadOnlyView(APIView):
    """A GET answered from the published content, for every language, cached per generation."""

    # The parameters this view reads, besides `lang`; any other one is refused.
    parameters = ()

    def get(self, request, *args, **kwargs):
        check_names(request, self.parameters)
        language = requested_language(request)
        with translation.override(language):
            return cached_answer(
                request,
                language,
                lambda: self.check_parameters(request),
                lambda checked: self.answer(request, checked, *args, **kwargs),
            )

    def check_parameters(self, request):
        return None

    def answer(self, request, checked, *args, **kwargs):
        raise NotImplementedError


class PracticeListView(ReadOnlyView):
    parameters = SEARCH_PARAMETERS

    @extend_schema(
        operation_id="practices_list",
        summary="Search the published practices",
        description="The site's search (/practices/): the same filters, the same order and the "
        "same counts, twenty a page.",
        parameters=[*SEARCH_FILTERS, PAGE, LANGUAGE],
        responses={200: serializers.PracticePageSerializer, **PROBLEMS, **NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def check_parameters(self, request):
        return search_parameters(request)

    def answer(self, request, checked):
        params, number = checked
        return serializers.PracticePageSerializer(
            answers.practice_page(request, params, number)
        ).data


class FacetsView(ReadOnlyView):
    parameters = FILTER_PARAMETERS

    @extend_schema(
        operation_id="facets",
        summary="Count the options of every filter for a search",
        description="What the search page counts next to each filter's options: for each "
        "option, the results it would give with the other filters kept.",
        parameters=[*SEARCH_FILTERS, LANGUAGE],
        responses={200: serializers.FacetsSerializer, **PROBLEMS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def check_parameters(self, request):
        params, _page = search_parameters(request)
        return params

    def answer(self, request, params):
        return serializers.FacetsSerializer(answers.facets(params)).data


class PracticeDetailView(ReadOnlyView):
    parameters = ("original",)

    @extend_schema(
        operation_id="practices_retrieve",
        summary="A published practice",
        description="Everything its public page shows, in the language asked for when it is "
        "translated into it (`text_language` says which); never its contact person.",
        parameters=[
            LANGUAGE,
            _choices("original", ["1"], "1: the text as written, not a translation.", many=False),
        ],
        responses={200: serializers.PracticeDetailSerializer, **PROBLEMS, **NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def check_parameters(self, request):
        original = request.GET.get("original")
        if original not in (None, "1"):
            raise InvalidParameters({"original": ["Only 1, the text as written."]})
        return original == "1"

    def answer(self, request, original, slug):
        data = answers.practice_detail(request, slug, original=original)
        return serializers.PracticeDetailSerializer(data).data


def _listing(name, serializer, summary, build):
    """A view answering a whole list (a few hundred items at most: no pages)."""

    class ListingView(ReadOnlyView):
        @extend_schema(
            operation_id=f"{name}_list",
            summary=summary,
            parameters=[LANGUAGE],
            responses={200: serializer(many=True), **PROBLEMS},
        )
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

        def answer(self, request, checked):
            return serializer(build(request), many=True).data

    ListingView.__name__ = ListingView.__qualname__ = f"{name.title()}ListView"
    return ListingView


ThemeListView = _listing(
    "themes",
    serializers.ThemeSerializer,
    "The themes, with their published practices",
    answers.themes,
)
CommitmentListView = _listing(
    "commitments",
    serializers.CommitmentSerializer,
    "The commitments of the coalitions' plans of action, with their published practices",
    answers.commitments,
)
CoalitionListView = _listing(
    "coalitions",
    serializers.CoalitionSerializer,
    "The coalitions, with their cities and published practices",
    answers.coalitions,
)
CityListView = _listing(
    "cities",
    serializers.CitySerializer,
    "The member cities, with their coordinates and published practices",
    answers.cities,
)


class NotFoundView(APIView):
    """Any other address under /api/: a problem, not the site's HTML page."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise NotFound("Nothing here: the API's addresses are in /api/v1/schema/.")


class ProblemsInJsonMixin:
    """Views whose answers are not JSON (a page, a script, the schema in YAML) still answer
    their errors as JSON problems, and OPTIONS with the methods they take."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return response

    def options(self, request, *args, **kwargs):
        # As the API's other views answer it: their name and methods, in JSON.
        return JsonResponse(
            {"name": self.get_view_name(), "methods": ["GET", "HEAD", "OPTIONS"]},
            headers={"Allow": "GET, HEAD, OPTIONS"},
        )


class SchemaView(ProblemsInJsonMixin, SpectacularAPIView):
    """The OpenAPI document (YAML, or JSON with ?format=json)."""

    throttle_classes = []


class DocsView(ProblemsInJsonMixin, SpectacularSwaggerSplitView):
    """The interactive docs, from this site's static files; the page's one inline style carries
    the CSP nonce, its script is a file of its own (?script)."""

    template_name = "api/swagger_ui.html"
    throttle_classes = []
