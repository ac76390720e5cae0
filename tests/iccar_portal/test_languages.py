"""The portal in six languages: addresses, the switcher, right to left, translated data,
practices read and found across languages, and e-mails in the recipient's language."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation

from practices import services
from practices.models import Practice, PracticeRevision, PracticeTranslation, Theme

Status = Practice.Status
pytestmark = pytest.mark.django_db


def in_language(language, message):
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["fr", "es", "ar", "ru", "zh-hans"])
def test_every_language_has_its_own_addresses_and_text(client, language):
    response = client.get(f"/{language}/practices/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}"' in content
    heading = in_language(language, "Search and browse practices")
    assert heading != "Search and browse practices"
    assert heading in content
    assert "Search and browse practices" not in content


def test_english_has_no_prefix(client, db):
    content = client.get("/practices/").content.decode()
    assert '<html lang="en" dir="ltr"' in content
    assert client.get("/en/practices/").status_code == 404


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("fr", "ltr"), ("zh-hans", "ltr")])
def test_arabic_is_right_to_left(client, db, language, direction):
    content = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in content


def test_switcher_keeps_the_page_and_the_query(client, db):
    response = client.get("/practices/?q=housing&theme=housing")
    links = {item["code"]: item["url"] for item in response.context["language_links"]}
    response = client.get(links["fr"])
    assert response.status_code == 302
    assert response["Location"] == "/fr/practices/?q=housing&theme=housing"
    assert response.cookies["django_language"].value == "fr"
    response = client.get("/language/en/?next=/fr/themes/housing/%3Fpage%3D2")
    assert response["Location"] == "/themes/housing/?page=2"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_switcher_never_sends_visitors_elsewhere(client, db, target):
    response = client.get("/language/fr/", {"next": target})
    assert response["Location"] == "/fr/"


def test_first_visit_follows_accept_language(client, db):
    response = client.get("/practices/?q=x", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response["Location"] == "/fr/practices/?q=x"
    assert "Accept-Language" in response["Vary"]
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response["Location"] == "/zh-hans/"
    assert client.get("/", headers={"accept-language": "de-DE,en;q=0.5"}).status_code == 200
    # A visitor who chose English stays in English.
    client.cookies["django_language"] = "en"
    assert client.get("/", headers={"accept-language": "fr"}).status_code == 200


def test_translated_data_with_english_fallback(client, db):
    theme = Theme.objects.get(slug="housing")
    theme.title_fr = "Accès équitable au logement"
    theme.title_ru = ""
    theme.save()
    assert "Accès équitable au logement" in client.get("/fr/themes/").content.decode()
    assert theme.title_en in client.get("/ru/themes/").content.decode()


@pytest.mark.parametrize("language", ["fr", "es", "ar", "ru", "zh-hans"])
def test_reference_data_is_translated(client, db, language):
    theme = Theme.objects.get(slug="housing")
    title = getattr(theme, f"title_{language.replace('-', '_')}")
    assert title and title != theme.title_en
    assert title in client.get(f"/{language}/themes/").content.decode()


def test_numbers_and_dates_follow_the_language(client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    practice.refresh_from_db()
    with translation.override("fr"):
        french_date = formats.date_format(practice.updated_at, "DATE_FORMAT")
    assert french_date in client.get(f"/fr/practices/{practice.slug}/").content.decode()
    assert french_date not in client.get(f"/practices/{practice.slug}/").content.decode()


@pytest.fixture
def translated(make_practice):
    practice = make_practice(
        Status.PUBLISHED,
        title="Welcome desk for newcomers",
        summary="Advice for newcomers in their first year.",
    )
    PracticeTranslation.objects.create(
        practice=practice,
        language="fr",
        title="Guichet d'accueil des nouveaux arrivants",
        summary="Des conseils aux nouveaux arrivants pendant leur première année d'hébergement.",
        context="Les nouveaux arrivants ne savaient pas à qui s'adresser.",
    )
    return practice


def test_the_visitors_language_shows_the_translation_and_links_the_original(client, translated):
    content = client.get(f"/fr/practices/{translated.slug}/").content.decode()
    assert "Guichet d&#x27;accueil des nouveaux arrivants" in content
    assert '<div class="practice-body" lang="fr" dir="ltr">' in content
    assert 'href="?original=1"' in content
    assert in_language("fr", "Read the original") in content
    # Sections the translation leaves empty show the original, marked as English.
    assert translated.implementation in content
    original = client.get(f"/fr/practices/{translated.slug}/?original=1").content.decode()
    assert "Welcome desk for newcomers" in original
    assert '<div class="practice-body" lang="en" dir="ltr">' in original
    english = client.get(f"/practices/{translated.slug}/").content.decode()
    assert "Welcome desk for newcomers" in english
    assert f'href="/fr/practices/{translated.slug}/"' in english


def test_result_cards_use_the_translation(client, translated):
    content = client.get("/fr/practices/").content.decode()
    assert "Guichet d&#x27;accueil des nouveaux arrivants" in content


def test_a_french_word_of_the_translation_finds_the_english_practice(client, translated):
    response = client.get("/practices/", {"q": "hébergement"})
    assert [p.title for p in response.context["outcome"].page] == [translated.title]


def test_filter_and_facet_by_the_languages_a_practice_is_available_in(
    client, translated, make_practice
):
    make_practice(Status.PUBLISHED, title="Only in English")
    response = client.get("/practices/", {"language": "fr"})
    assert [p.title for p in response.context["outcome"].page] == [translated.title]
    languages = next(f for f in response.context["outcome"].facets if f.name == "language")
    counts = {option["slug"]: option["count"] for option in languages.options}
    assert counts == {"en": 2, "fr": 1}
    translated.translations.all().delete()
    response = client.get("/practices/", {"language": "fr"})
    assert response.context["outcome"].total == 0


@pytest.mark.postgres
def test_postgres_stems_the_translation_in_its_own_language(client, translated):
    # "arrivant" is the stem of "arrivants" only with the French configuration.
    response = client.get("/practices/", {"q": "arrivant"})
    assert [p.title for p in response.context["outcome"].page] == [translated.title]


def test_emails_go_out_in_the_recipients_language(
    make_practice, officer, editor, django_capture_on_commit_callbacks
):
    officer.city_officer.preferred_language = "fr"
    officer.city_officer.save()
    practice = make_practice(Status.SUBMITTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_request_changes(practice=practice, actor=editor, message="Merci !")
    (message,) = mail.outbox
    with translation.override("fr"):
        expected = translation.gettext("Message from the editors:")
    assert expected != "Message from the editors:"
    assert expected in message.body


def test_officers_choose_the_language_of_their_emails(client, officer):
    client.force_login(officer)
    response = client.post(reverse("members:account"), {"preferred_language": "ar"})
    assert response.status_code == 302
    officer.city_officer.refresh_from_db()
    assert officer.city_officer.preferred_language == "ar"


def test_officers_translate_a_draft_directly_and_a_published_practice_through_review(
    client, officer, editor, make_practice
):
    client.force_login(officer)
    draft = make_practice(Status.DRAFT)
    form = {
        "title": "Bureau de quartier",
        "summary": "Un bureau.",
        "context": "",
        "implementation": "",
        "results": "",
        "why_it_works": "",
        "challenges": "",
        "transferability": "",
        "resources": "",
    }
    response = client.post(reverse("members:translation_edit", args=[draft.pk, "fr"]), form)
    assert response.status_code == 302
    assert draft.translations.get(language="fr").title == "Bureau de quartier"
    assert client.get(reverse("members:translation_edit", args=[draft.pk, "en"])).status_code == 404

    published = make_practice(Status.PUBLISHED)
    client.post(
        reverse("members:translation_edit", args=[published.pk, "es"]), {**form, "title": "Oficina"}
    )
    assert not published.translations.exists()  # not public before review
    revision = PracticeRevision.objects.get(practice=published)
    services.revision_submit(revision=revision, actor=officer)
    services.revision_approve(revision=revision, actor=editor)
    assert published.translations.get(language="es").title == "Oficina"
    assert ",es," in Practice.objects.get(pk=published.pk).available_languages


@pytest.mark.parametrize("next_url", ["a%00b", "fr/practices/", "practices"])
def test_the_switch_goes_only_to_a_path_of_this_site(client, next_url):
    response = client.get(f"/language/fr/?next={next_url}")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
