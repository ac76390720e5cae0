"""The parameters of an API request, checked as the site checks them — but where the site
leaves a bad one out with a note, the API refuses the request (400, api.problems): a program
should learn that its filter was not applied."""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from core.pagination import MAX_PAGE_NUMBER
from practices.models import Practice
from practices.models.matching import has_words
from practices.search.filters import PracticeFilter

from .problems import InvalidParameters

LANGUAGE_PARAMETER = "lang"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
FILTER_PARAMETERS = list(PracticeFilter.base_filters)
SEARCH_PARAMETERS = [*FILTER_PARAMETERS, "page"]
# No address carries more: a longer query is a mistake or an attack.
MAX_VALUES = 200


def check_names(request, accepted):
    """Refuse a parameter the endpoint does not read (a typo would otherwise go unnoticed)."""
    known = {LANGUAGE_PARAMETER, *accepted}
    unknown = sorted(name for name in request.GET if name not in known)
    if unknown:
        raise InvalidParameters(
            {name: ["This parameter is not known here."] for name in unknown[:20]}
        )
    if sum(len(values) for _name, values in request.GET.lists()) > MAX_VALUES:
        raise InvalidParameters({"query": [f"At most {MAX_VALUES} values."]})


def requested_language(request):
    """Return the interface language asked for: ?lang=, else Accept-Language, else English."""
    if LANGUAGE_PARAMETER in request.GET:
        wanted = request.GET.get(LANGUAGE_PARAMETER, "")
        language = _supported(wanted)
        if language is None:
            choices = ", ".join(LANGUAGES)
            raise InvalidParameters(
                {LANGUAGE_PARAMETER: [f"“{wanted[:20]}” is not one of: {choices}."]}
            )
        return language
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if accepted == "*":
            break
        language = _supported(accepted)
        if language is not None:
            return language
    return settings.LANGUAGE_CODE


def _supported(code):
    code = (code or "").strip().lower()
    if not code or len(code) > 20:
        return None
    try:
        language = get_supported_language_variant(code)
    except LookupError:
        return None
    return language if language in LANGUAGES else None


def search_parameters(request):
    """Return the search's parameters (a QueryDict without `lang`), every one valid, and the
    page asked for; refuse the request naming each invalid one."""
    params = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name != LANGUAGE_PARAMETER:
            params.setlist(name, values)
    filterset = PracticeFilter(params, queryset=Practice.objects.none())
    errors = {}
    if not filterset.is_valid():
        errors.update({name: list(messages) for name, messages in filterset.form.errors.items()})
    text = filterset.form.cleaned_data.get("q") or ""
    if text and not has_words(text):
        errors["q"] = ["Type words to search for: punctuation alone finds nothing."]
    page = 1
    if "page" in params:
        page = _page_number(params.get("page"), errors)
    if errors:
        raise InvalidParameters(errors)
    return params, page


def _page_number(value, errors):
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors["page"] = ["A page number is a whole number."]
        return 1
    if not 1 <= number <= MAX_PAGE_NUMBER:
        errors["page"] = [f"A page number is between 1 and {MAX_PAGE_NUMBER}."]
    return number
