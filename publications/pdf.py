"""The PDF of a publication, made on the server with WeasyPrint: a cover, the table of contents
with page numbers, page numbers, a bookmark outline (from the headings) and tags for assistive
technology (PDF/UA-1). Made once per version and language, kept in the file storage (object
storage in production) and served from there; a change of the publication raises its version,
so the next reader gets a new one."""

import logging
import time

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import override

from .models import PublicationFile
from .selectors import publication_page, stored_pdf

logger = logging.getLogger(__name__)

# Seconds one process may spend making a PDF before another may try again.
MAKING_SECONDS = 300


class PdfBeingMade(Exception):
    """Another request is making this PDF now."""


class PdfUnavailable(Exception):
    """This server cannot make PDFs: WeasyPrint's system libraries are missing."""


def load_weasyprint():
    """Return the weasyprint module, loaded only where PDFs are made (it is large); raise
    PdfUnavailable where Pango is missing (.ci/install-pdf-tools installs it)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def render_pdf(page, language, site_url):
    """Return the PDF of a publication page (selectors.publication_page) as bytes."""
    weasyprint = load_weasyprint()
    with override(language):
        html = render_to_string(
            "publications/pdf.html",
            # A PDF is made once for a version: it says nothing that changes without one
            # (such as whether a quoted practice has a newer version).
            {"page": page, "site_url": site_url.rstrip("/"), "in_pdf": True},
        )
    document = weasyprint.HTML(string=html, base_url=site_url)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def pdf_of(publication, language, site_url):
    """Return the stored PDF of the publication's current version in that language, making and
    storing it first if there is none yet."""
    stored = stored_pdf(publication, language)
    if stored is not None:
        return stored
    lock = f"publication-pdf:{publication.pk}:{publication.version}:{language}"
    if not cache.add(lock, 1, timeout=MAKING_SECONDS):
        raise PdfBeingMade
    try:
        page = publication_page(publication.slug, language)
        started = time.perf_counter()
        content = render_pdf(page, language, site_url)
        seconds = time.perf_counter() - started
        name = f"{publication.slug}-v{publication.version}-{language}.pdf"
        made = PublicationFile(
            publication=publication,
            language=language,
            version=publication.version,
            size=len(content),
            seconds=round(seconds, 3),
        )
        made.file.save(name, ContentFile(content), save=False)
        try:
            with transaction.atomic():
                made.save()
        except IntegrityError:  # made meanwhile elsewhere: keep that one
            made.file.delete(save=False)
            return stored_pdf(publication, language)
        _forget_older(publication, language)
        logger.info("Made %s in %.1f s (%s bytes)", name, seconds, len(content))
        return made
    finally:
        cache.delete(lock)


def _forget_older(publication, language):
    older = PublicationFile.objects.filter(
        publication=publication, language=language, version__lt=publication.version
    )
    for item in older:
        item.file.delete(save=False)
        item.delete()
