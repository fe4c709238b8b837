import shutil
from pathlib import Path

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


@pytest.fixture(scope="session")
def _test_ca(tmp_path_factory):
    """The test CA, made once per session: its RSA key and the authority's were most of these tests' set-up."""
    folder = tmp_path_factory.mktemp("signing-ca")
    testca.create_ca(folder)
    return folder


@pytest.fixture(scope="session")
def _issued_keys(tmp_path_factory, _test_ca):
    """An authority's PKCS#12 file and passphrase, issued by the session's CA once per authority and name."""
    folder = tmp_path_factory.mktemp("signing-keys")
    shutil.copytree(_test_ca, folder, dirs_exist_ok=True)
    issued = set()

    def issue(authority_pk: int, name: str) -> list[Path]:
        if (authority_pk, name) not in issued:
            testca.issue_pkcs12(folder, authority_pk, name)
            issued.add((authority_pk, name))
        return [folder / f"{authority_pk}.p12", folder / f"{authority_pk}.pass"]
    return issue


@pytest.fixture
def signing_dir(tmp_path, settings, _test_ca):
    """A throw-away test CA (as `thidua signing_ca` makes it) in the test's own folder: a copy of the session's."""
    folder = tmp_path / "signing"
    settings.THIDUA_SIGNING = {**settings.THIDUA_SIGNING, "BACKEND": "pkcs12", "DIR": folder, "TRUST_ROOTS": []}
    shutil.copytree(_test_ca, folder)
    return folder


@pytest.fixture
def demo_decision(db) -> Decision:
    """The demo decision of Cao Bằng made from a dossier, with its certificates."""
    return Certificate.objects.select_related("award__decision__authority").order_by("pk").first().award.decision


@pytest.fixture
def cao_bang_key(signing_dir, demo_decision, _issued_keys):
    """Cao Bằng's key and certificate from the test CA, in the test's signing folder."""
    authority = demo_decision.authority
    for path in _issued_keys(authority.pk, signing.authority_body(authority)):
        shutil.copy2(path, signing_dir / path.name)
    return authority
