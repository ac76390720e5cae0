"""The files of practices are reached only through /files/<practice>/<name>, answered as the
practice itself is shown: to anyone while it is published, otherwise only to its city's active
officers and to editors; never a file of another practice, never the storage's own address."""

import importlib
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from PIL import Image

from practices import services, uploads
from practices.models import Practice
from tests.cities.factories import UserFactory
from tests.practices.factories import PracticeFactory, bring_to

Status = Practice.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
UNPUBLISHED = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.CHANGES_REQUESTED,
    Status.REJECTED,
    Status.ARCHIVED,
]
FILE_LINK = re.compile(r'(?:src|href)="(/files/[^"]+)"')


def png(colour=(30, 120, 200), size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def with_files(officer, editor):
    """Return a function making a practice of the officer's city in a state, with a main image,
    a further image and a PDF document, all stored."""

    def make(state=Status.PUBLISHED, **fields):
        practice = PracticeFactory(city=officer.city_officer.city, image_alt="The desk", **fields)
        practice = services.practice_set_main_image(
            practice=practice, actor=officer, prepared=uploads.prepare_image(png())
        )
        services.practice_add_image(
            practice=practice,
            actor=officer,
            prepared=uploads.prepare_image(png((200, 30, 30))),
            alt_text="Volunteers",
        )
        services.practice_add_attachment(
            practice=practice,
            actor=officer,
            uploaded=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
            title="Évaluation report 2023",
        )
        return bring_to(practice, state, officer, editor)

    return make


def stored_names(practice):
    """Every stored file of a practice: main image and copies, images and copies, documents."""
    names = [practice.image.name, *practice.image_renditions.values()]
    for image in practice.images.all():
        names += [image.image.name, *image.renditions.values()]
    names += [attachment.file.name for attachment in practice.attachments.all()]
    return names


def file_url(practice, name):
    return reverse("practice_file", kwargs={"practice_id": practice.pk, "name": name})


def body(response):
    """The content of a streamed answer (the test client closes it once it is read)."""
    return b"".join(response.streaming_content)


@pytest.fixture
def people(officer, other_city_officer, inactive_officer, editor, superuser):
    staff = UserFactory(username="helpdesk", is_staff=True)
    return {
        "anonymous": None,
        "owner": officer,
        "other city": other_city_officer,
        "switched off": inactive_officer,
        "editor": editor,
        "superuser": superuser,
        "staff outside the editors": staff,
    }


def client_of(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_published_practices_page_links_to_its_files_which_anyone_gets(
    client, with_files, media_root
):
    practice = with_files(Status.PUBLISHED)

    page = client.get(practice.get_absolute_url())

    html = page.content.decode()
    assert f"/{settings.MEDIA_URL.strip('/')}/" not in html
    links = set(FILE_LINK.findall(html))
    image = practice.images.get()
    document = practice.attachments.get()
    assert links == {
        file_url(practice, practice.image_renditions["page"]),
        file_url(practice, image.renditions["page"]),
        file_url(practice, document.file.name),
    }
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, url
        name = url.split("/", 3)[3]
        assert body(response) == (media_root / name).read_bytes(), url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "public, max-age=3600"
    picture = client.get(file_url(practice, practice.image_renditions["page"]))
    assert picture["Content-Type"] == "image/webp"
    assert "attachment" not in picture.get("Content-Disposition", "")
    pdf = client.get(file_url(practice, document.file.name))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="evaluation-report-2023.pdf"'
    body(picture), body(pdf)


def test_every_stored_file_of_a_published_practice_is_answered_and_head_too(
    client, with_files, media_root
):
    practice = with_files(Status.PUBLISHED)
    names = stored_names(practice)
    assert len(names) == 7  # two images with two copies each, one document

    for name in names:
        response = client.get(file_url(practice, name))
        assert response.status_code == 200, name
        assert body(response) == (media_root / name).read_bytes()
        assert client.head(file_url(practice, name)).status_code == 200
        assert client.post(file_url(practice, name)).status_code == 405


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_the_files_of_an_unpublished_practice_only_for_its_city_and_editors(
    with_files, people, state
):
    practice = with_files(state)
    allowed = {"owner", "editor", "superuser"}

    for role, user in people.items():
        client = client_of(user)
        for name in stored_names(practice):
            response = client.get(file_url(practice, name))
            if role in allowed:
                assert response.status_code == 200, (role, name)
                assert "no-store" in response["Cache-Control"], (role, name)
                assert "public" not in response["Cache-Control"], (role, name)
                body(response)
            else:
                assert response.status_code == 404, (role, name)


def test_only_the_practices_own_files_are_answered(client, with_files, editor, media_root):
    published = with_files(Status.PUBLISHED)
    other = with_files(Status.PUBLISHED, title="Another practice")
    editor_client = client_of(editor)
    (media_root / "practices" / "lost.png").write_bytes(b"not any practice's")

    for name in [
        *stored_names(other),  # another practice's files, under this practice's number
        "practices/lost.png",  # stored, but no practice's
        "practices/nothing.png",
        f"practices/../{published.image.name}",
        f"{published.image.name}/",
        "../../iccar_portal/settings/base.py",
    ]:
        for who in (client, editor_client):
            assert who.get(file_url(published, name)).status_code == 404, name
    missing = Practice.objects.order_by("-pk").first().pk + 1
    for who in (client, editor_client):
        assert who.get(f"/files/{missing}/{other.image.name}").status_code == 404


def test_a_file_gone_from_the_storage_is_a_404_not_an_error(with_files, media_root, client):
    practice = with_files(Status.PUBLISHED)
    (media_root / practice.image.name).unlink()

    assert client.get(file_url(practice, practice.image.name)).status_code == 404


def test_archiving_stops_the_public_getting_the_files_at_once(with_files, editor, officer, client):
    practice = with_files(Status.PUBLISHED)
    url = practice.image_url()
    assert client.get(url).status_code == 200

    services.practice_archive(practice=practice, actor=editor, message="Ended.")

    assert client.get(url).status_code == 404
    assert client_of(officer).get(url).status_code == 200


def test_the_members_page_shows_the_practices_images_and_documents_through_the_view(
    with_files, officer, other_city_officer
):
    practice = with_files(Status.DRAFT)
    page = client_of(officer).get(reverse("members:practice", args=[practice.pk]))

    links = set(FILE_LINK.findall(page.content.decode()))
    assert links == {
        practice.images.get().url(),
        practice.attachments.get().url(),
    }
    for url in links:
        response = client_of(officer).get(url)
        assert response.status_code == 200, url
        body(response)
        assert client_of(other_city_officer).get(url).status_code == 404
        assert Client().get(url).status_code == 404


def test_cached_public_pages_keep_the_same_file_addresses(with_files, client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    practice = with_files(Status.PUBLISHED)

    first = client.get(practice.get_absolute_url())
    again = client.get(practice.get_absolute_url())

    assert again["X-Page-Cache"] == "hit"
    links = FILE_LINK.findall(again.content.decode())
    assert len(links) == 3  # the main image, the further image, the document
    assert FILE_LINK.findall(first.content.decode()) == links
    for url in links:
        response = client.get(url)
        assert response.status_code == 200
        body(response)


def test_uploaded_files_are_never_served_from_media_url_even_with_debug(settings):
    """In development Django used to serve MEDIA_ROOT wholesale, drafts' files included."""
    import iccar_portal.urls

    settings.DEBUG = True
    try:
        importlib.reload(iccar_portal.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL.strip('/')}/practices/draft.png")
    finally:
        settings.DEBUG = False
        importlib.reload(iccar_portal.urls)
        clear_url_caches()


def test_a_document_titled_in_another_script_downloads_under_that_title(
    client, with_files, officer
):
    practice = with_files(Status.PUBLISHED)
    document = practice.attachments.get()
    document.title = "تقرير التقييم"
    document.save()

    response = client.get(document.url())

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1-"
        "%D8%A7%D9%84%D8%AA%D9%82%D9%8A%D9%8A%D9%85.pdf"
    )
    body(response)


def test_a_storage_failing_while_a_file_is_read_is_a_503_not_an_error(
    client, with_files, monkeypatch, caplog
):
    from django.core.files.storage import default_storage

    practice = with_files(Status.PUBLISHED)

    def failing_open(name, mode="rb"):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(default_storage, "open", failing_open)
    response = client.get(practice.image_url())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "private, no-store"
    assert any(record.exc_info for record in caplog.records if record.name == "public.files")


def test_the_admins_practice_page_links_to_the_files_through_the_view(with_files, superuser):
    practice = with_files(Status.SUBMITTED)
    page = client_of(superuser).get(reverse("admin:practices_practice_change", args=[practice.pk]))
    content = page.content.decode()
    image, attachment = practice.images.get(), practice.attachments.get()
    assert f'href="{image.url()}"' in content and f'href="{attachment.url()}"' in content
    assert f"/{image.image.name}" not in content.replace(image.url(), "")
    assert client_of(superuser).get(attachment.url()).status_code == 200


CARD_IMAGE = re.compile(r"<img [^>]*>")


def card_of(content, title):
    for card in re.findall(r'<article class="card".*?</article>', content, re.S):
        if title in card:
            return card
    raise AssertionError(f"no card for {title!r}")


def test_result_cards_show_the_card_copy_of_the_main_image(client, with_files, make_practice):
    plain = make_practice(Status.PUBLISHED, title="A practice without a picture")
    # The first answer after a change also reads what it keeps for the next: compare the next.
    client.get(reverse("public:practice_list"))
    with CaptureQueriesContext(connection) as without_images:
        client.get(reverse("public:practice_list"))
    pictured = with_files(Status.PUBLISHED, title="A practice with a picture")
    client.get(reverse("public:practice_list"))  # the same again, after the change

    with CaptureQueriesContext(connection) as with_images:
        content = client.get(reverse("public:practice_list")).content.decode()

    card = card_of(content, pictured.title)
    [image] = CARD_IMAGE.findall(card)
    card_url = file_url(pictured, pictured.image_renditions["card"])
    assert f'src="{card_url}"' in image
    assert 'alt="The desk"' in image
    assert 'width="480"' in image and 'height="270"' in image
    assert 'loading="lazy"' in image
    assert not CARD_IMAGE.findall(card_of(content, plain.title))
    # The card's image costs no query: the practice row already holds its copies' names.
    assert len(with_images) == len(without_images)
    picture = client.get(card_url)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/webp"
    body(picture)


def test_a_card_image_without_a_description_is_decorative(client, with_files):
    pictured = with_files(Status.PUBLISHED, title="Undescribed picture")
    type(pictured).objects.filter(pk=pictured.pk).update(image_alt="")
    content = client.get(reverse("public:practice_list")).content.decode()
    [image] = CARD_IMAGE.findall(card_of(content, pictured.title))
    assert 'alt=""' in image
