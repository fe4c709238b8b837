import pytest

from thidua.awards.models import Decision
from thidua.nominations.models import Certificate
from thidua.papers import signing, testca

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE
    settings.THIDUA_TASKS_QUEUE = "default"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def signing_dir(tmp_path, settings):
    """A throw-away test CA (as `thidua signing_ca` makes it) in the test's own folder."""
    folder = tmp_path / "signing"
    settings.THIDUA_SIGNING = {**settings.THIDUA_SIGNING, "BACKEND": "pkcs12", "DIR": folder, "TRUST_ROOTS": []}
    testca.create_ca(folder)
    return folder


@pytest.fixture
def demo_decision(db) -> Decision:
    """The demo decision of Cao Bằng made from a dossier, with its certificates."""
    return Certificate.objects.select_related("award__decision__authority").order_by("pk").first().award.decision


@pytest.fixture
def cao_bang_key(signing_dir, demo_decision):
    authority = demo_decision.authority
    testca.issue_pkcs12(signing_dir, authority.pk, signing.authority_body(authority))
    return authority
