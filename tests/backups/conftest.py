"""A registry with everything in it, for the backup and restore tests."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from cities.models import City, CityOfficer, Coalition
from core.editors import EDITORS_GROUP
from practices import services
from practices.models import CityRole, Commitment, Practice, ReviewEvent, TargetGroup, Theme
from practices.uploads import prepare_image
from tests.cities.factories import CityOfficerFactory, CoalitionFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
PAST = datetime(2019, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def picture(name="photo.png", size=(1300, 400), colour=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def registry(officer, editor, superuser, inactive_officer, other_city, make_practice):
    """Practices in every state, translations, images, a PDF, proposed updates, review events
    with private notes, officers and editors, edited reference data and old timestamps."""
    ghent = officer.city_officer.city
    # Reference data as editors left it: a translated name changed, a coalition of their own.
    Coalition.objects.filter(slug="eccar").update(
        name_fr="Coalition européenne des villes contre le racisme (revue)",
        lead_city=ghent,
        description="Founded in Nuremberg.",
    )
    Theme.objects.filter(slug="housing").update(title_fr="Logement équitable pour toutes et tous")
    new_coalition = CoalitionFactory(
        slug="nordic", name="Nordic Cities Network", name_fr="Réseau nordique", region="Nordic"
    )
    Commitment.objects.create(
        coalition=new_coalition, number=1, title="Listen first", theme=Theme.objects.get(order=3)
    )
    editors = Group.objects.get(name=EDITORS_GROUP)
    editors.permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    editor.user_permissions.add(Permission.objects.get(codename="view_practicechange"))
    get_user_model().objects.filter(pk=officer.pk).update(last_login=PAST)

    City.objects.filter(pk=ghent.pk).update(
        latitude=Decimal("51.05434"),
        longitude=Decimal("3.71742"),
        member_since=2005,
        profile="A port city on the Scheldt.",
        website="https://ghent.example.org",
        contact_email="equality@ghent.example.org",
        coalition=Coalition.objects.get(slug="eccar"),
    )
    City.objects.filter(pk=other_city.pk).update(is_active_member=False, coalition=new_coalition)
    french_officer = CityOfficerFactory(
        city=other_city, user__username="agent-liege", preferred_language="fr"
    ).user
    CityOfficer.objects.filter(user=officer).update(created_at=PAST)

    practices = {status: make_practice(status) for status in Status.values}

    # The richest one: image, further image, PDF, translation, all classifications, then
    # published with a private note, promoted, and now carrying a proposed update in review.
    rich = PracticeFactory(
        city=ghent,
        created_by=officer,
        title="Tenant mediation service",
        partners="Housing corporation\nTenants' union",
        links="https://ghent.example.org/mediation\nhttps://example.org/report",
        contact_role="Coordinator",
        end_year=2023,
        resources="Two mediators.",
        image_alt="Mediators and tenants around a table",
        themes=[Theme.objects.get(slug="housing"), Theme.objects.get(slug="education")],
        city_roles=list(CityRole.objects.all()[:2]),
        target_groups=list(TargetGroup.objects.all()[:3]),
    )
    rich.commitments.set(Commitment.objects.filter(coalition__slug="eccar")[:2])
    services.practice_set_main_image(
        practice=rich, actor=officer, prepared=prepare_image(picture())
    )
    services.practice_add_image(
        practice=rich,
        actor=officer,
        prepared=prepare_image(picture("second.png", (640, 480), (20, 90, 200))),
        alt_text="The mediation room",
    )
    services.practice_add_attachment(
        practice=rich,
        actor=officer,
        uploaded=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        title="Evaluation report 2023",
    )
    services.practice_save_translation(
        practice=rich,
        actor=officer,
        language="fr",
        fields={
            "title": "Service de médiation locative",
            "summary": "Des médiateurs règlent les conflits entre bailleurs et locataires.",
            "context": "Le vent de tramontane soufflait sur les quartiers.",
        },
    )
    services.practice_submit(practice=rich, actor=officer, message="Ready.")
    services.practice_approve(
        practice=rich, actor=editor, message="Thank you.", note="Private: best of the year."
    )
    rich.inspired_by.add(practices[Status.PUBLISHED])
    Practice.objects.filter(pk=rich.pk).update(
        is_promising=True, promising_note="Cut conflicts by half.", created_at=PAST
    )
    revision = services.revision_save(
        practice=rich,
        actor=officer,
        data={
            "summary": "Mediators settle disputes between landlords and tenants, now citywide.",
            "themes": [Theme.objects.get(slug="housing").pk],
            "commitments": list(
                Commitment.objects.filter(coalition__slug="eccar").values_list("pk", flat=True)[:3]
            ),
        },
    )
    services.revision_submit(revision=revision, actor=officer, message="Updated figures.")
    services.revision_request_changes(
        revision=revision,
        actor=editor,
        message="Please add the 2024 figures.",
        note="Private: check the budget line.",
    )

    # An update that was approved, so changes and events point at a revision.
    published = practices[Status.PUBLISHED]
    approved = services.revision_save(
        practice=published, actor=officer, data={"results": "Six hundred residents advised."}
    )
    services.revision_submit(revision=approved, actor=officer)
    services.revision_approve(revision=approved, actor=editor, note="Private: fine.")

    # A practice in French from another city, published without any known creator.
    liege = PracticeFactory(
        city=other_city,
        language="fr",
        title="Maison de quartier ouverte",
        summary="Un lieu d'accueil pour signaler les discriminations.",
    )
    services.practice_submit(practice=liege, actor=french_officer)
    services.practice_approve(practice=liege, actor=superuser, note="Vu.")
    ReviewEvent.objects.filter(practice=liege).update(created_at=PAST)

    # Questions between the cities: one answered and shown under the practice, one closed by
    # an editor, each with its messages, decisions and read marks.
    from exchange import services as exchange_services

    shown = exchange_services.conversation_start(
        practice=published, actor=french_officer, body="Comment avez-vous recruté les testeurs ?"
    )
    exchange_services.conversation_reply(
        conversation=shown, actor=officer, body="Through the university: https://example.org"
    )
    exchange_services.conversation_offer(conversation=shown, actor=officer)
    shown.refresh_from_db()
    exchange_services.conversation_approve_publication(
        conversation=shown, actor=editor, version=shown.version, reason="Useful."
    )
    closed = exchange_services.conversation_start(
        practice=liege, actor=officer, body="A question that went wrong."
    )
    exchange_services.conversation_close(
        conversation=closed, actor=editor, version=1, reason="Insults."
    )
    # Liège adapted the published practice (approved, its own practice linked) and then
    # proposed a new version that the editors sent back: both versions must survive.
    adaptation = exchange_services.adaptation_create(
        original=published,
        actor=french_officer,
        data={
            "started_in": 2023,
            "progress": "running",
            "what_changed": "Nous avons testé les offres d'emploi aussi.",
            "outcome": "",
            "own_practice": liege,
        },
        submit=True,
    )
    exchange_services.adaptation_approve(
        adaptation=adaptation, actor=editor, version=adaptation.version, reason="Bien."
    )
    adaptation.refresh_from_db()
    adaptation = exchange_services.adaptation_save(
        adaptation=adaptation,
        actor=french_officer,
        data={"progress": "ended", "outcome": "Deux agences ont changé leurs règles."},
        version=adaptation.version,
        submit=True,
    )
    exchange_services.adaptation_request_changes(
        adaptation=adaptation, actor=editor, version=adaptation.version, reason="Des chiffres ?"
    )
    # A practice's own fields of transferability.
    Practice.objects.filter(pk=rich.pk).update(
        yearly_cost="low", city_powers=",housing,regulation,", population_band="medium"
    )
    publications = _publications(
        editor=editor, quoted=[rich, published, liege], draft=practices[Status.DRAFT]
    )
    return {"rich": rich, "liege": liege, "conversation": shown, **publications, **practices}


def _publications(*, editor, quoted, draft):
    """A published publication, composed in French (so its untranslated columns hold the French
    texts) with chapters, commentaries in two languages, a gaps section frozen when published and
    a text section; a quoted practice changed since. A draft publication quoting a draft practice
    and a practice deleted since. Each saved and published through the publications' services."""
    from publications import services as publication_services
    from publications.models import Chapter, ClosingSection, Publication, PublicationEntry

    rich, published, liege = quoted
    with translation.override("fr"):
        report = Publication.objects.create(
            slug="cities-against-racism-2026",
            year=2026,
            title_en="Cities against racism",
            title_fr="Les villes contre le racisme",
            subtitle_en="What the member cities learnt",
            subtitle_ar="ما تعلمته المدن",
            introduction_en="Ten years of **practice**.",
            introduction_fr="Dix ans de **pratique**.",
            introduction_zh_hans="十年的实践。",
        )
        housing = Chapter.objects.create(
            publication=report,
            position=1,
            title_en="Housing",
            title_fr="Logement",
            text_en="Where *tenants* meet.",
            text_ru="Где встречаются жильцы.",
        )
        employment = Chapter.objects.create(
            publication=report, position=2, title_en="The city as employer", text_en=""
        )
        PublicationEntry.objects.create(
            chapter=housing,
            position=1,
            practice=rich,
            commentary_en="It halves conflicts.",
            commentary_es="Reduce los conflictos a la mitad.",
        )
        PublicationEntry.objects.create(chapter=housing, position=2, practice=liege)
        PublicationEntry.objects.create(
            chapter=employment, position=1, practice=published, commentary_en="It transfers."
        )
        ClosingSection.objects.create(
            publication=report,
            position=1,
            kind=ClosingSection.Kind.GAPS,
            title_en="Where more work is needed",
            title_fr="Ce qui reste à faire",
        )
        ClosingSection.objects.create(
            publication=report, position=2, title_en="Thanks", text_en="To every city."
        )
    report = publication_services.saved(report, actor=None, created=True)
    report = publication_services.publish(
        publication=report, actor=editor, version=report.version, note="For the conference."
    )
    # The practice changed after it was quoted: the publication keeps what it quoted.
    Practice.objects.filter(pk=rich.pk).update(summary="Changed after the publication.")

    draft_report = Publication.objects.create(
        slug="next-report", year=2027, title_en="Next report", title_fr="Prochain rapport"
    )
    chapter = Chapter.objects.create(publication=draft_report, title_en="To be written")
    PublicationEntry.objects.create(chapter=chapter, position=1, practice=draft)
    # A practice deleted since: the entry stays, without it.
    PublicationEntry.objects.create(chapter=chapter, position=2, practice=None)
    draft_report = publication_services.saved(draft_report, actor=editor, created=True)
    publication_services.saved(draft_report, actor=editor, created=False)
    return {"publication": report, "draft_publication": draft_report}
