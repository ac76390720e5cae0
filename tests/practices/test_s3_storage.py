"""Uploads and the file view with the object store, as production runs them: django-storages'
S3 backend against moto's S3 server on a local port (fake credentials, a bucket made here).

Without moto these tests are skipped with the reason, and fail in CI (CI is set), as the
browser checks do with their tools.
"""

import io
import os
import socket
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from practices import services, uploads
from practices.models import Practice, PracticeAttachment, PracticeImage
from tests.practices.factories import PracticeFactory
from tests.storage import stored_files

Status = Practice.Status
pytestmark = pytest.mark.django_db

BUCKET = "iccar-media-test"
REGION = "eu-west-3"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SIGNED_FOR_SECONDS = 600


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def moto_missing(problem):
    """Skip the tests because moto is missing, or fail them in CI."""
    if in_ci():
        pytest.fail(f"{problem} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(problem)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server, in a thread of this process, for the tests of this module."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        moto_missing("moto's server is missing: pip install -r requirements-dev.txt")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def storage_settings(endpoint, **options):
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "addressing_style": "path",
                "access_key": "testing-access-key",
                "secret_key": "testing-secret-key",
                "default_acl": None,
                "file_overwrite": False,
                # What production needs (see the reply to issue 12): a private bucket, addresses
                # signed for a while.
                "querystring_auth": True,
                "querystring_expire": SIGNED_FOR_SECONDS,
                **options,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def bucket(s3_endpoint, settings, media_root, monkeypatch):
    """An empty bucket, and the site storing uploads in it; return a boto3 client of it."""
    import boto3

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing-access-key",
        aws_secret_access_key="testing-secret-key",
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.STORAGES = storage_settings(s3_endpoint)
    yield client
    for key in keys(client):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)
    # Nothing ever went to the local folder.
    assert stored_files(media_root) == []


def keys(client):
    listing = client.list_objects_v2(Bucket=BUCKET)
    return sorted(each["Key"] for each in listing.get("Contents", []))


def stored(client, key):
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def png_upload(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def fetch(url):
    """GET an address outside the site (the object store's), as a browser would."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read(), answer.headers


def test_an_image_upload_stores_the_original_and_its_copies_in_the_bucket(bucket, officer):
    practice = PracticeFactory(city=officer.city_officer.city)

    response = signed_in(officer).post(
        reverse("members:image_add", args=[practice.pk]),
        {"image-upload": png_upload(), "image-alt_text": "Volunteers at the desk"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    image = PracticeImage.objects.get(practice=practice)
    names = [image.image.name, image.renditions["card"], image.renditions["page"]]
    assert keys(bucket) == sorted(names)
    with Image.open(io.BytesIO(stored(bucket, image.image.name))) as original:
        assert (original.format, original.size) == ("PNG", (1600, 900))
    for size, width in (("card", 480), ("page", 1200)):
        with Image.open(io.BytesIO(stored(bucket, image.renditions[size]))) as copy:
            assert (copy.format, copy.width) == ("WEBP", width)
        head = bucket.head_object(Bucket=BUCKET, Key=image.renditions[size])
        assert head["ContentType"] == "image/webp"


def test_a_pdf_upload_is_stored_in_the_bucket(bucket, officer):
    practice = PracticeFactory(city=officer.city_officer.city)
    pdf = io.BytesIO(PDF)
    pdf.name = "report.pdf"

    response = signed_in(officer).post(
        reverse("members:attachment_add", args=[practice.pk]),
        {"document-upload": pdf, "document-title": "Evaluation"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = PracticeAttachment.objects.get(practice=practice)
    assert keys(bucket) == [attachment.file.name]
    assert stored(bucket, attachment.file.name) == PDF
    assert attachment.size == len(PDF)


@pytest.fixture
def practice_with_files(officer, editor):
    """Return a function making a practice of the officer's city in a state, with an image and
    a PDF document stored in the bucket."""

    def make(state):
        practice = PracticeFactory(city=officer.city_officer.city, image_alt="The desk")
        services.practice_set_main_image(
            practice=practice,
            actor=officer,
            prepared=uploads.prepare_image(SimpleUploadedFile("photo.png", png_upload().read())),
        )
        services.practice_add_attachment(
            practice=practice,
            actor=officer,
            uploaded=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
            title="Evaluation 2024",
        )
        if state == Status.PUBLISHED:
            services.practice_submit(practice=practice, actor=officer)
            services.practice_approve(practice=practice, actor=editor)
        practice.refresh_from_db()
        assert practice.status == state
        return practice

    return make


def assert_signed_and_expiring(url, s3_endpoint):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == s3_endpoint
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(SIGNED_FOR_SECONDS)]
    assert query["X-Amz-Signature"]


def test_the_file_view_redirects_to_a_signed_address_that_works(
    bucket, practice_with_files, s3_endpoint
):
    practice = practice_with_files(Status.PUBLISHED)
    page = Client().get(practice.get_absolute_url()).content.decode()
    document = practice.attachments.get()

    for url, name in [
        (practice.image_url(), practice.image_renditions["page"]),
        (document.url(), document.file.name),
    ]:
        assert f'"{url}"' in page
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Cache-Control"] == f"public, max-age={SIGNED_FOR_SECONDS // 2}"
        assert_signed_and_expiring(response["Location"], s3_endpoint)
        content, headers = fetch(response["Location"])
        assert content == stored(bucket, name)
    _, headers = fetch(Client().get(document.url())["Location"])
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="evaluation-2024.pdf"'


def test_a_drafts_file_is_refused_to_the_public_and_signed_for_its_officer(
    bucket, practice_with_files, officer, other_city_officer, s3_endpoint
):
    practice = practice_with_files(Status.DRAFT)
    url = practice.image_url()

    assert Client().get(url).status_code == 404
    assert signed_in(other_city_officer).get(url).status_code == 404
    response = signed_in(officer).get(url)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert_signed_and_expiring(response["Location"], s3_endpoint)
    content, _ = fetch(response["Location"])
    assert content == stored(bucket, practice.image_renditions["page"])


@pytest.mark.parametrize(
    "unsigned",
    [{"querystring_auth": False}, {"custom_domain": "media.example.org"}],
    ids=["no signing", "behind a CDN's domain"],
)
def test_a_bucket_without_signed_addresses_never_hands_out_a_drafts_address(
    bucket, practice_with_files, officer, settings, s3_endpoint, unsigned
):
    """Without signing, an address is permanent: the file comes through the view instead."""
    practice = practice_with_files(Status.DRAFT)
    settings.STORAGES = storage_settings(s3_endpoint, **unsigned)
    url = practice.image_url()

    assert Client().get(url).status_code == 404
    response = signed_in(officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored(bucket, practice.image_renditions["page"])
    assert response["Content-Type"] == "image/webp"


@pytest.mark.parametrize("failure", ["unreachable", "refusing"])
@pytest.mark.parametrize("kind", ["image", "document"])
def test_a_failing_object_store_becomes_the_forms_message(
    bucket, officer, settings, kind, failure, caplog
):
    from botocore.config import Config

    practice = PracticeFactory(city=officer.city_officer.city)
    quick = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2)
    if failure == "unreachable":
        settings.STORAGES = storage_settings(f"http://127.0.0.1:{free_port()}", client_config=quick)
    else:
        settings.STORAGES = storage_settings(
            settings.STORAGES["default"]["OPTIONS"]["endpoint_url"],
            bucket_name="no-such-bucket",
            client_config=quick,
        )
    if kind == "image":
        url, data = "members:image_add", {"image-upload": png_upload(), "image-alt_text": "Desk"}
    else:
        pdf = io.BytesIO(PDF)
        pdf.name = "report.pdf"
        url, data = "members:attachment_add", {"document-upload": pdf, "document-title": "Report"}

    response = signed_in(officer).post(reverse(url, args=[practice.pk]), data)

    assert response.status_code == 400
    assert "could not be stored" in response.content.decode().lower()
    assert not practice.images.exists() and not practice.attachments.exists()
    assert keys(bucket) == []
    assert any(record.exc_info for record in caplog.records if record.name == "practices.services")
