"""A publication of 40 synthetic practices for the benchmark: its page is measured with the
other public pages, and its PDF is timed here."""

import statistics
import time

SLUG = "bench-forty-practices"
PRACTICES = 40


def prepare_publication():
    """Create (once) and publish a publication quoting 40 published synthetic practices in four
    chapters; return its address."""
    from practices.models import Practice
    from publications import services
    from publications.models import Chapter, Publication, PublicationEntry

    publication = Publication.objects.filter(slug=SLUG).first()
    if publication is None:
        publication = Publication.objects.create(
            slug=SLUG,
            year=2026,
            title="Forty practices",
            introduction="A *benchmark* publication with **Markdown** in every part.\n\n- one",
        )
        practices = list(
            Practice.objects.published()
            .filter(slug__startswith="synthetic-")
            .order_by("pk")[:PRACTICES]
        )
        for number in range(4):
            chapter = Chapter.objects.create(
                publication=publication,
                position=number,
                title=f"Chapter {number + 1}",
                text="Why these practices *work*.",
            )
            PublicationEntry.objects.bulk_create(
                PublicationEntry(
                    chapter=chapter,
                    position=index,
                    practice=practice,
                    commentary="It transfers where the city has **the powers** it needs.",
                )
                for index, practice in enumerate(practices[number * 10 : number * 10 + 10])
            )
        services.saved(publication, actor=None, created=True)
        services.publish(publication=publication, actor=None, version=publication.version)
    return f"/publications/{SLUG}/"


def pdf_seconds(runs=3):
    """Seconds to make the publication's PDF in English (each run from scratch), and its size."""
    from publications.pdf import render_pdf
    from publications.selectors import publication_page

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        page = publication_page(SLUG, "en")
        content = render_pdf(page, "en", "http://127.0.0.1:8000/")
        timings.append(time.perf_counter() - started)
    return {"median": statistics.median(timings), "runs": runs, "bytes": len(content)}
