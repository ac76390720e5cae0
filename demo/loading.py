"""The demo data: cities, practices and, for local work, accounts, loaded from demo/data.

data/cities.csv: the demo cities (name, country, coalition slug, latitude, longitude).
data/lead_cities.csv: the city that leads each coalition, for coalitions without one yet.
data/practices.json: the demo practices — their content fields, city, classifications, the
state they reached and the editor's message on the way, and the practices that inspired them.
data/conversations.json: questions cities asked each other about those practices, the answers,
and whether the answering city's agreement and an editor's approval show one publicly.
data/adaptations.json: cities' records that they adapted another city's practice, each in the
state its review reached (approved ones shown on the practices' pages).

Everything is looked up by name or slug first, so loading again adds only what is missing.
"""

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from cities.models import City, CityOfficer, Coalition
from core.editors import EDITORS_GROUP
from practices import services
from practices.models import (
    CONTENT_FIELDS,
    CityRole,
    Commitment,
    Practice,
    TargetGroup,
    Theme,
)
from practices.services.adaptations import refresh_adapted_in

DATA_DIR = Path(__file__).resolve().parent / "data"
Status = Practice.Status

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


def read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_demo(with_accounts):
    """Load what is missing, in one transaction; return (new cities, {role or city id: demo
    account}, new practices). The accounts are made only `with_accounts`."""
    with transaction.atomic():
        cities_created = load_cities()
        accounts = create_accounts() if with_accounts else {}
        practices_created = load_practices(accounts)
        load_conversations(accounts)
        load_adaptations(accounts)
        refresh_adapted_in()
    return cities_created, accounts, practices_created


def load_cities():
    created_count = 0
    coalitions = {coalition.slug: coalition for coalition in Coalition.objects.all()}
    for row in read_csv("cities.csv"):
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
    for row in read_csv("lead_cities.csv"):
        coalition = coalitions[row["coalition"]]
        if coalition.lead_city_id is None:
            coalition.lead_city = City.objects.filter(name=row["city"]).first()
            if coalition.lead_city:
                coalition.save(update_fields=["lead_city"])
    return created_count


def create_accounts():
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


def load_practices(accounts):
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
            evidence_level=entry.get("evidence_level"),
            **{name: entry[name] for name in CONTENT_FIELDS if name in entry},
        )
        practice.themes.set(themes[slug] for slug in entry["themes"])
        practice.city_roles.set(roles[slug] for slug in entry["city_roles"])
        practice.target_groups.set(targets[slug] for slug in entry["target_groups"])
        practice.commitments.set(commitments[tuple(pair)] for pair in entry["commitments"])
        replay_history(practice, entry, index, accounts)
        created[entry["slug"]] = practice
    by_slug = {practice.slug: practice for practice in Practice.objects.all()}
    for entry in entries:
        if entry["slug"] in created:
            created[entry["slug"]].inspired_by.set(by_slug[slug] for slug in entry["inspired_by"])
    return len(created)


def replay_history(practice, entry, index, accounts):
    """Move a new practice to its state through the workflow's moves, made in the past."""
    # Spread the demo history over the past years so "latest" means something.
    start = datetime(min(entry["start_year"] + 1, 2025), 1, 15, tzinfo=UTC)
    moment = start + timedelta(days=(index * 37) % 300)
    for to_status, role in HISTORIES[Status(entry["status"])]:
        moment += timedelta(days=12)
        actor = accounts.get("editor") if role == "editor" else accounts.get(practice.city_id)
        message = (
            entry["editor_message"] if role == "editor" and to_status != Status.PUBLISHED else ""
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


def load_conversations(accounts):
    """Write the demo conversations as they would stand after the exchange, with no e-mail.

    The exchange is an optional app on top of the others: its models are looked up by name,
    and nothing is loaded where it is not installed."""
    if not apps.is_installed("exchange"):
        return 0
    Conversation = apps.get_model("exchange", "Conversation")
    Message = apps.get_model("exchange", "Message")
    Event = apps.get_model("exchange", "ConversationEvent")
    Read = apps.get_model("exchange", "ConversationRead")
    with open(DATA_DIR / "conversations.json", encoding="utf-8") as handle:
        entries = json.load(handle)
    cities = {city.name: city for city in City.objects.all()}
    users = {city_id: user for city_id, user in accounts.items() if city_id != "editor"}
    created = 0
    for entry in entries:
        practice = Practice.objects.get(slug=entry["practice"])
        asking = cities[entry["asking_city"]]
        first = entry["messages"][0]["body"]
        if Conversation.objects.filter(practice=practice, asking_city=asking).exists():
            continue
        started = datetime.fromisoformat(entry["started"])
        conversation = Conversation.objects.create(
            practice=practice,
            asking_city=asking,
            answering_city=practice.city,
            started_by=users.get(asking.pk),
            subject=first.splitlines()[0][:119],
            last_message_at=started,
        )
        moment = started
        for version, item in enumerate(entry["messages"], start=1):
            moment = started + timedelta(hours=item["hours"])
            city = cities[item["city"]]
            message = Message.objects.create(
                conversation=conversation,
                author=users.get(city.pk),
                author_name=item["name"],
                author_city=city,
                body=item["body"],
                version=version,
            )
            Message.objects.filter(pk=message.pk).update(created_at=moment)
        version = len(entry["messages"])
        if entry["public"] == "published":
            editor = accounts.get("editor")
            for action in ("offered", "published"):
                version += 1
                actor = users.get(practice.city_id) if action == "offered" else editor
                event = Event.objects.create(
                    conversation=conversation,
                    actor=actor,
                    actor_name=str(actor) if actor else "Demo",
                    action=action,
                    version=version,
                )
                Event.objects.filter(pk=event.pk).update(created_at=moment)
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=started,
            last_message_at=moment,
            version=version,
            public_state=entry["public"],
            published_version=version if entry["public"] == "published" else None,
        )
        # The city that wrote last has read it; the other one has a message waiting.
        Read.objects.create(
            conversation=conversation,
            city=cities[entry["messages"][-1]["city"]],
            last_read_at=moment,
        )
        created += 1
    return created


# The events that lead an adaptation record to each state, with who acts.
ADAPTATION_HISTORIES = {
    "submitted": [("submitted", "officer")],
    "changes_requested": [("submitted", "officer"), ("changes_requested", "editor")],
    "approved": [("submitted", "officer"), ("approved", "editor")],
}


def load_adaptations(accounts):
    """Write the demo adaptation records in the state their review reached, with no e-mail
    (the exchange's models looked up by name, as for the conversations)."""
    if not apps.is_installed("exchange"):
        return 0
    Adaptation = apps.get_model("exchange", "Adaptation")
    Event = apps.get_model("exchange", "AdaptationEvent")
    with open(DATA_DIR / "adaptations.json", encoding="utf-8") as handle:
        entries = json.load(handle)
    cities = {city.name: city for city in City.objects.all()}
    practices = {
        practice.slug: practice
        for practice in Practice.objects.filter(
            slug__in=[e["original"] for e in entries] + [e["own_practice"] for e in entries]
        )
    }
    created = 0
    for entry in entries:
        original, city = practices[entry["original"]], cities[entry["city"]]
        if Adaptation.objects.filter(original=original, city=city).exists():
            continue
        fields = {name: entry[name] for name in ("started_in", "progress", "what_changed")}
        fields["outcome"] = entry["outcome"]
        own = practices.get(entry["own_practice"])
        recorded = datetime.fromisoformat(entry["recorded"])
        approved = entry["status"] == "approved"
        adaptation = Adaptation.objects.create(
            original=original,
            city=city,
            own_practice=own,
            recorded_by=accounts.get(city.pk),
            status=entry["status"],
            public_version=fields if approved else None,
            public_own_practice=own if approved else None,
            submitted_at=recorded,
            approved_at=recorded + timedelta(days=3) if approved else None,
            **fields,
        )
        moment = recorded
        for version, (action, role) in enumerate(ADAPTATION_HISTORIES[entry["status"]], 2):
            actor = accounts.get("editor") if role == "editor" else accounts.get(city.pk)
            event = Event.objects.create(
                adaptation=adaptation,
                actor=actor,
                actor_name=str(actor) if actor else "Demo",
                action=action,
                message=entry.get("editor_message", "") if role == "editor" else "",
                version=version,
            )
            Event.objects.filter(pk=event.pk).update(created_at=moment)
            moment += timedelta(days=3)
        Adaptation.objects.filter(pk=adaptation.pk).update(
            created_at=recorded, version=len(ADAPTATION_HISTORIES[entry["status"]]) + 1
        )
        created += 1
    return created
