"""The PDF: made on the server once per version and language, stored, readable as text in
English, Arabic and Chinese with the fonts that draw those scripts."""

import io
import os
import re
import shutil
import subprocess

import pytest
from django.utils.translation import gettext, override
from pypdf import PdfReader

from publications import services
from publications.models import PublicationFile

from .conftest import compose

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") and os.environ.get("CI") != "true",
    reason="needs pdftotext and pdffonts (Debian's poppler-utils; .ci/install-pdf-tools)",
)

ARABIC_TITLE = "مدن ضد العنصرية"
CHINESE_TITLE = "城市反对种族主义"


@pytest.fixture
def multilingual(two_practices, editor):
    publication = compose(
        two_practices,
        slug="in-three-scripts",
        title_ar=ARABIC_TITLE,
        title_zh_hans=CHINESE_TITLE,
    )
    return services.publish(publication=publication, actor=editor, version=publication.version)


def pdf_text_and_fonts(content, tmp_path):
    path = tmp_path / "publication.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    return text.decode(), fonts.decode()


def download(client, publication, language):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/publications/{publication.slug}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@needs_poppler
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "font"),
    [
        ("en", "Cities against racism", "Noto-Serif"),
        ("ar", ARABIC_TITLE, "Noto-Naskh-Arabic"),
        ("zh-hans", CHINESE_TITLE, "Noto-Serif-CJK-SC"),
    ],
)
def test_pdf_in_three_scripts(client, multilingual, two_practices, tmp_path, language, title, font):
    content = download(client, multilingual, language)
    assert content.startswith(b"%PDF-")
    text, fonts = pdf_text_and_fonts(content, tmp_path)
    # Arabic comes out of pdftotext in presentation forms and reading order marks: compare
    # the letters only.
    letters = "".join(ch for ch in text if ch.isalpha())
    assert "".join(ch for ch in title if ch.isalpha()) in letters or title in text
    for practice in two_practices:  # the practices' titles are text, not pictures
        assert practice.title in text
    with override(language):
        assert gettext("Contents") in text
    assert font in fonts  # drawn with the font for its script, not boxes


@pytest.mark.django_db
def test_pdf_is_tagged_with_an_outline_and_page_numbers(client, multilingual, two_practices):
    reader = PdfReader(io.BytesIO(download(client, multilingual, "en")))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged for assistive technology (PDF/UA-1)
    assert catalog["/MarkInfo"]["/Marked"]
    titles = [item.title for item in _flatten(reader.outline)]
    assert "1. The city as employer" in titles  # the bookmark outline
    assert {p.title for p in two_practices} <= set(titles)
    assert reader.metadata.title == "Cities against racism"
    # Page numbers at the foot of every page but the cover; the contents name their pages.
    assert reader.pages[1].extract_text().strip().endswith("2")
    assert re.search(r"The city as employer\s*\.+\s*\d", reader.pages[1].extract_text())


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@pytest.mark.django_db
def test_pdf_is_made_once_per_version_and_language(client, multilingual, editor):
    first = download(client, multilingual, "en")
    stored = PublicationFile.objects.get()
    assert stored.version == multilingual.version and stored.language == "en"
    assert download(client, multilingual, "en") == first
    assert PublicationFile.objects.count() == 1
    download(client, multilingual, "fr")
    assert PublicationFile.objects.count() == 2
    # A change makes a new version: its PDF is made anew, the older one removed.
    multilingual = services.saved(multilingual, actor=editor, created=False)
    download(client, multilingual, "en")
    assert set(PublicationFile.objects.values_list("language", "version")) == {
        ("fr", multilingual.version - 1),
        ("en", multilingual.version),
    }
