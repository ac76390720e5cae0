"""Languages of the interface: the switcher's links, the switch itself, and first visits.

Every page is at its English address (no prefix) and at one per other language (/fr/…). The
switcher is a list of plain links, so public pages carry no form and no CSRF token and stay
cacheable; following one stores the choice in the language cookie.
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "ru": "Русский",
    "zh-hans": "简体中文",
}


def language_links(request):
    """Give templates the current page's address in every language, for the switcher."""
    current = translation.get_language()
    here = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": NATIVE_NAMES.get(code, code),
                "url": f"{reverse('switch_language', args=[code])}?next={quote(here, safe='/')}",
                "alternate": settings.SITE_URL + translate_url(request.path, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


@require_GET
def switch_language(request, code):
    """Remember the chosen language and show the same page, with the same query, in it."""
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    target = request.GET.get("next", "/")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"  # only a page of this site, written as a path
    # Resolve the page in the language it is in, then find it in the chosen one.
    current = translation.get_language_from_path(urlsplit(target).path) or settings.LANGUAGE_CODE
    with translation.override(current):
        response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class FirstVisitLanguageMiddleware:
    """On a first visit to an English address, follow the browser's Accept-Language.

    A visitor who has chosen a language (the cookie) is never redirected.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = [code for code, _name in settings.LANGUAGES]

    def __call__(self, request):
        redirect = self.redirect_for(request)
        if redirect is not None:
            return redirect
        response = self.get_response(request)
        if not translation.get_language_from_path(request.path_info):
            # The same English address answers differently by these headers.
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    def redirect_for(self, request):
        if request.method not in ("GET", "HEAD"):
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if translation.get_language_from_path(request.path_info):
            return None
        if not _is_translated_page(request.path_info):
            return None
        wanted = _from_accept_language(request.headers.get("Accept-Language", ""), self.codes)
        if wanted in (None, settings.LANGUAGE_CODE):
            return None
        target = translate_url(request.get_full_path(), wanted)
        if (
            target == request.get_full_path()
            or not target.startswith("/")
            or target.startswith("//")
        ):
            return None  # "//host/…" would send the visitor to another site
        response = HttpResponseRedirect(target)
        from django.utils.cache import patch_vary_headers

        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response


def _is_translated_page(path):
    untranslated = ("/language/", "/static/", "/media/", "/sitemap.xml", "/robots.txt", "/healthz")
    return not path.startswith(untranslated)


def _from_accept_language(header, codes):
    from django.utils.translation.trans_real import parse_accept_lang_header

    for accepted, _quality in parse_accept_lang_header(header):
        accepted = accepted.lower()
        if accepted == "*":
            return None
        for code in codes:
            if accepted == code or accepted.split("-")[0] == code.split("-")[0]:
                # zh, zh-cn, zh-hans all mean the portal's Simplified Chinese.
                return code
    return None
