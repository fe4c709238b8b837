"""Dossier files go through the shared content check (core.uploads.check_upload): a Windows executable named
.pdf is refused as an attachment and as the decision's file, and the refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.nominations.conftest import build, user
from thidua.awards.models import Decision
from thidua.nominations import services
from thidua.nominations.models import Attachment

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_executable_named_pdf_is_not_attached(dept, unit, media):
    d = build("draft", dept, unit, vote_item=False)
    with pytest.raises(ValidationError, match="“setup.pdf”: nội dung không phải tệp .pdf"):
        services.add_attachment(user("donvi"), d, kind="other", uploaded_file=SimpleUploadedFile("setup.pdf", EXE))
    assert not Attachment.objects.filter(dossier=d).exists() and not list(media.rglob("*.*"))


def test_an_executable_named_pdf_is_not_the_decision_file(dept, unit, media):
    d = build("proposed", dept, unit, vote_item=False)
    decisions = Decision.objects.count()
    with pytest.raises(ValidationError, match="nội dung không phải tệp .pdf"):
        services.record_decision(user("caobang"), d, number=f"EXE-{d.pk}/QĐ-UBND", signed_on=d.created_at.date(),
                                 signer_name="Chủ tịch UBND tỉnh", file=SimpleUploadedFile("qd.pdf", EXE))
    d.refresh_from_db()
    assert d.state == "proposed" and Decision.objects.count() == decisions
    assert not Attachment.objects.filter(dossier=d).exists() and not list(media.rglob("*.*"))
