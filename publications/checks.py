"""`manage.py check` says when this server cannot make the publications' PDFs."""

from django.core import checks

from .pdf import PdfUnavailable, load_weasyprint


@checks.register(checks.Tags.compatibility)
def weasyprint_loads(app_configs, **kwargs):
    try:
        load_weasyprint()
    except PdfUnavailable as error:
        return [
            checks.Warning(
                f"WeasyPrint cannot load its system libraries ({error}): the publications' "
                "PDFs cannot be made.",
                hint="Run .ci/install-pdf-tools (Debian's Pango and Noto fonts).",
                id="publications.W001",
            )
        ]
    return []
