"""The publications' public pages: the list, a publication (table of contents, chapters, the
practices it quotes, JSON-LD) and its PDF. Editors also read drafts, uncached."""

import json

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.editors import is_editor
from core.page_cache import cached_public_page

from .pdf import PdfBeingMade, PdfUnavailable, pdf_of
from .selectors import publication_page, published_publications

# How long browsers may keep a PDF: a new version has a new address (?v=).
PDF_MAX_AGE = 3600
RETRY_SECONDS = 15


@require_safe
@cached_public_page
def publication_list(request):
    context = {"publications": published_publications()}
    return render(request, "publications/publication_list.html", context)


def _page(request, slug):
    page = publication_page(slug, get_language(), drafts=is_editor(request.user))
    if page is None:
        raise Http404
    return page


def _json_ld(request, page):
    publication = page.publication
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": publication.title,
        "alternativeHeadline": publication.subtitle or None,
        "inLanguage": get_language(),
        "datePublished": publication.published_at.date().isoformat()
        if publication.published_at
        else None,
        "dateModified": publication.updated_at.date().isoformat(),
        "copyrightYear": publication.year,
        "url": request.build_absolute_uri(publication.get_absolute_url()),
        "publisher": {
            "@type": "Organization",
            "name": _("International Coalition of Inclusive and Sustainable Cities (ICCAR)"),
        },
        "hasPart": [
            {"@type": "CreativeWork", "name": chapter.title, "position": number}
            for number, (chapter, _quotes) in enumerate(page.chapters, start=1)
        ],
        "mentions": [
            {
                "@type": "CreativeWork",
                "name": quote.title,
                "url": request.build_absolute_uri(quote.url),
            }
            for _chapter, quotes in page.chapters
            for quote in quotes
        ],
    }
    text = json.dumps({key: value for key, value in data.items() if value is not None})
    # As Django's json_script does: nothing in the data can close the script element.
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


@require_safe
@cached_public_page
def publication_detail(request, slug):
    page = _page(request, slug)
    context = {
        "page": page,
        "publication": page.publication,
        "json_ld": _json_ld(request, page),
        "site_url": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "publications/publication_detail.html", context)


@require_safe
def publication_pdf(request, slug):
    page = _page(request, slug)
    if not page.publication.is_published:
        raise Http404
    language = get_language()
    try:
        stored = pdf_of(page.publication, language, request.build_absolute_uri("/"))
    except PdfBeingMade:
        response = HttpResponse(
            _("The PDF is being prepared. Please try again in a few seconds."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    except PdfUnavailable:
        return HttpResponse(
            _("The PDF cannot be made on this server at the moment. The page itself prints well."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(stored.file.open("rb"), content_type="application/pdf")
    filename = f"{page.publication.slug}-{language}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = f"public, max-age={PDF_MAX_AGE}"
    return response
