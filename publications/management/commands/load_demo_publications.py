"""Load the demo publications (the demo app's data/publications.json) and publish them, so the
practices they quote are frozen as the demo shows them. Safe to run again: a publication that
exists already is left as it is."""

import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from practices.selectors import quotable_practices_by_slug
from publications import services
from publications.models import Chapter, ClosingSection, Publication, PublicationEntry

DEMO_EDITOR = "demo-editor"


def _languages(values, field):
    """{"en": …, "fr": …} → {"title_en": …, "title_fr": …}."""
    return {f"{field}_{code.replace('-', '_')}": text for code, text in values.items() if text}


class Command(BaseCommand):
    help = "Load and publish the demo publications. Idempotent."

    def handle(self, *args, **options):
        path = Path(apps.get_app_config("demo").path) / "data" / "publications.json"
        actor = get_user_model().objects.filter(username=DEMO_EDITOR).first()
        created = 0
        for item in json.loads(path.read_text(encoding="utf-8")):
            if Publication.objects.filter(slug=item["slug"]).exists():
                continue
            publication = self.load(item, actor)
            services.publish(publication=publication, actor=actor, version=publication.version)
            created += 1
        self.stdout.write(f"Demo publications: {Publication.objects.count()} ({created} new).")

    @transaction.atomic
    def load(self, item, actor):
        publication = Publication.objects.create(
            slug=item["slug"],
            year=item["year"],
            **_languages(item["title"], "title"),
            **_languages(item.get("subtitle", {}), "subtitle"),
            **_languages(item.get("introduction", {}), "introduction"),
        )
        slugs = [entry["slug"] for chapter in item["chapters"] for entry in chapter["practices"]]
        practices = quotable_practices_by_slug(slugs)
        for position, chapter_data in enumerate(item["chapters"], start=1):
            chapter = Chapter.objects.create(
                publication=publication,
                position=position,
                **_languages(chapter_data["title"], "title"),
                **_languages(chapter_data.get("text", {}), "text"),
            )
            for index, entry in enumerate(chapter_data["practices"], start=1):
                if entry["slug"] not in practices:
                    continue  # not published in this demo
                PublicationEntry.objects.create(
                    chapter=chapter,
                    position=index,
                    practice=practices[entry["slug"]],
                    **_languages(entry.get("commentary", {}), "commentary"),
                )
        for position, section in enumerate(item.get("closing", []), start=1):
            ClosingSection.objects.create(
                publication=publication,
                position=position,
                kind=section["kind"],
                **_languages(section["title"], "title"),
                **_languages(section.get("text", {}), "text"),
            )
        services.saved(publication, actor=actor, created=True)
        return publication
