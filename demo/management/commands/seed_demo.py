"""Load demo cities and practices, and with DEBUG on, demo accounts. Safe to run again."""

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from cities.models import City, CityOfficer, Coalition
from core.editors import EDITORS_GROUP
from practices import services
from practices.models import (
    CityRole,
    Commitment,
    Practice,
    TargetGroup,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
Status = Practice.Status

LEAD_CITIES = {
    "eccar": "Nuremberg",
    "apcad": "Bangkok",
    "lac": "Montevideo",
    "africa": "Nairobi",
    "arab": "Casablanca",
    "usccar": "Birmingham",
    "brazil": "Francisco Morato",
}

DEMO_PASSWORD = "iccar-demo-2026"
DEMO_EDITOR = "demo-editor"
DEMO_OFFICERS = {"demo-officer-ghent": "Ghent", "demo-officer-nuremberg": "Nuremberg"}

# The moves that lead from a new draft to each state, with who makes them.
HISTORIES = {
    Status.DRAFT: [],
    Status.SUBMITTED: [(Status.SUBMITTED, "officer")],
    Status.CHANGES_REQUESTED: [(Status.SUBMITTED, "officer"), (Status.CHANGES_REQUESTED, "editor")],
    Status.REJECTED: [(Status.SUBMITTED, "officer"), (Status.REJECTED, "editor")],
    Status.PUBLISHED: [(Status.SUBMITTED, "officer"), (Status.PUBLISHED, "editor")],
    Status.ARCHIVED: [
        (Status.SUBMITTED, "officer"),
        (Status.PUBLISHED, "editor"),
        (Status.ARCHIVED, "editor"),
    ],
}

PRACTICE_FIELDS = [
    "title",
    "summary",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "partners",
    "start_year",
    "end_year",
    "resources",
    "language",
    "contact_name",
    "contact_role",
    "contact_email",
    "links",
]


class Command(BaseCommand):
    help = "Load demo cities and practices (and, with DEBUG on, demo accounts). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            cities_created = self.load_cities()
            accounts = self.create_accounts() if settings.DEBUG else {}
            practices_created = self.load_practices(accounts)
        self.stdout.write(
            f"Demo data: {Coalition.objects.count()} coalitions, {Theme.objects.count()} themes, "
            f"{Commitment.objects.count()} commitments, {City.objects.count()} cities "
            f"({cities_created} new), {Practice.objects.count()} practices "
            f"({practices_created} new)."
        )
        if accounts:
            self.stdout.write(
                self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            )
            self.stdout.write(f"  editor:  {DEMO_EDITOR}  → {settings.SITE_URL}/admin/")
            for username, city in DEMO_OFFICERS.items():
                self.stdout.write(f"  officer: {username}  ({city})")

    def load_cities(self):
        created_count = 0
        coalitions = {coalition.slug: coalition for coalition in Coalition.objects.all()}
        with open(DATA_DIR / "cities.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _city, created = City.objects.get_or_create(
                    slug=slugify(row["name"]),
                    defaults={
                        "name": row["name"],
                        "country": row["country"],
                        "coalition": coalitions[row["coalition"]],
                        "latitude": row["latitude"],
                        "longitude": row["longitude"],
                    },
                )
                created_count += created
        for slug, city_name in LEAD_CITIES.items():
            coalition = coalitions[slug]
            if coalition.lead_city_id is None:
                coalition.lead_city = City.objects.filter(name=city_name).first()
                if coalition.lead_city:
                    coalition.save(update_fields=["lead_city"])
        return created_count

    def create_accounts(self):
        User = get_user_model()
        editor, created = User.objects.get_or_create(
            username=DEMO_EDITOR,
            defaults={
                "email": "editor@example.org",
                "first_name": "Demo",
                "last_name": "Editor",
                "is_staff": True,
            },
        )
        if created:
            editor.set_password(DEMO_PASSWORD)
            editor.save()
            editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
        accounts = {"editor": editor}
        for username, city_name in DEMO_OFFICERS.items():
            city = City.objects.get(name=city_name)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "first_name": "Demo",
                    "last_name": city_name,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                CityOfficer.objects.create(user=user, city=city)
            accounts[city.pk] = user
        return accounts

    def load_practices(self, accounts):
        with open(DATA_DIR / "practices.json", encoding="utf-8") as handle:
            entries = json.load(handle)
        cities = {city.name: city for city in City.objects.all()}
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        roles = {role.slug: role for role in CityRole.objects.all()}
        targets = {group.slug: group for group in TargetGroup.objects.all()}
        commitments = {
            (item.coalition.slug, item.number): item
            for item in Commitment.objects.select_related("coalition")
        }
        existing = set(Practice.objects.values_list("slug", flat=True))
        created = {}
        for index, entry in enumerate(entries):
            if entry["slug"] in existing:
                continue
            practice = Practice.objects.create(
                slug=entry["slug"],
                city=cities[entry["city"]],
                is_promising=entry["is_promising"],
                promising_note=entry["promising_note"],
                **{name: entry[name] for name in PRACTICE_FIELDS},
            )
            practice.themes.set(themes[slug] for slug in entry["themes"])
            practice.city_roles.set(roles[slug] for slug in entry["city_roles"])
            practice.target_groups.set(targets[slug] for slug in entry["target_groups"])
            practice.commitments.set(commitments[tuple(pair)] for pair in entry["commitments"])
            self.replay_history(practice, entry, index, accounts)
            created[entry["slug"]] = practice
        by_slug = {practice.slug: practice for practice in Practice.objects.all()}
        for entry in entries:
            if entry["slug"] in created:
                created[entry["slug"]].inspired_by.set(
                    by_slug[slug] for slug in entry["inspired_by"]
                )
        return len(created)

    def replay_history(self, practice, entry, index, accounts):
        # Spread the demo history over the past years so "latest" means something.
        start = datetime(min(entry["start_year"] + 1, 2025), 1, 15, tzinfo=UTC)
        moment = start + timedelta(days=(index * 37) % 300)
        for to_status, role in HISTORIES[Status(entry["status"])]:
            moment += timedelta(days=12)
            actor = accounts.get("editor") if role == "editor" else accounts.get(practice.city_id)
            message = (
                entry["editor_message"]
                if role == "editor" and to_status != Status.PUBLISHED
                else ""
            )
            services.practice_record_past_transition(
                practice=practice,
                to_status=to_status,
                at=moment,
                actor=actor,
                actor_name=str(actor)
                if actor
                else ("Demo editor" if role == "editor" else "Demo officer"),
                message=message,
            )
