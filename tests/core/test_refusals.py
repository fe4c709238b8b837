"""The one refusal convention (thidua.core.refusals): a refusal raises Forbidden (403) or Conflict (409), changes
nothing, and leaves one "denied" audit row, written after the rollback when it happens inside a service."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from thidua.core import refusals
from thidua.core.errors import RefusalMiddleware
from thidua.core.models import AuditEvent
from thidua.core.refusals import Conflict, Forbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone():
    return get_user_model().objects.create_user("refused", password="x")


def denied_rows():
    return list(AuditEvent.objects.filter(action="denied").values_list("reason", flat=True))


def test_deny_outside_a_service_writes_the_row_and_raises_forbidden(someone):
    with pytest.raises(Forbidden, match="Không được"):
        refusals.deny(someone, None, "Không được sửa.", what="orgs.organization")
    assert denied_rows() == ["Không được sửa."]
    row = AuditEvent.objects.get(action="denied")
    assert row.object_type == "orgs.organization" and row.user == someone


def test_a_refusal_inside_a_service_rolls_back_then_leaves_one_row(someone):
    @refusals.service
    def change_then_refuse():
        get_user_model().objects.create_user("written-then-undone")
        refusals.deny(someone, None, "Năm thi đua đã khóa.", what="emulation.clusteryear", cls=Conflict)

    @refusals.service
    def outer():
        change_then_refuse()

    with pytest.raises(Conflict):
        outer()
    assert not get_user_model().objects.filter(username="written-then-undone").exists()
    assert denied_rows() == ["Năm thi đua đã khóa."]  # once, by the outermost block, after its rollback


def test_a_block_records_a_role_refusal_on_its_record(someone):
    with pytest.raises(PermissionDenied), refusals.service(user=someone, on=someone):
        raise PermissionDenied("Chuyển hồ sơ: vai trò của bạn không được làm việc này.")
    row = AuditEvent.objects.get(action="denied")
    assert row.object_type == "auth.user" and row.object_id == str(someone.pk)


def test_a_state_refusal_without_deny_writes_no_denied_row(someone):
    with pytest.raises(ValidationError), refusals.service(user=someone, on=someone):
        raise ValidationError("Hồ sơ đang ở trạng thái khác.")
    assert denied_rows() == []


@pytest.mark.parametrize("exc, status, text", [
    (Forbidden("Không có quyền."), 403, "Không có quyền."),
    (PermissionDenied(), 403, refusals.DEFAULT_MESSAGE),
    (Conflict("Đã ký."), 409, "Đã ký."),
    (ValidationError({"year": ["Năm 1900 không hợp lệ."], "title": ["Cần trích yếu."]}), 409,
     "Năm 1900 không hợp lệ. Cần trích yếu."),
])
def test_one_status_and_one_message_for_every_refusal(exc, status, text):
    assert refusals.status_of(exc) == status
    def sentences(t):
        return sorted(part.strip(". ") for part in t.split(". "))

    assert sentences(refusals.message(exc)) == sentences(text)


def test_a_refusal_that_escapes_a_page_is_answered_with_its_status_and_message():
    middleware = RefusalMiddleware(lambda request: None)
    page = middleware.process_exception(RequestFactory().get("/ho-so/1/"), Conflict("Hồ sơ đã có quyết định."))
    assert page.status_code == 409 and "Hồ sơ đã có quyết định." in page.content.decode()
    api = middleware.process_exception(RequestFactory().get("/api/v1/x"), Forbidden("Không có quyền."))
    assert api.status_code == 403 and json.loads(api.content) == {"detail": "Không có quyền."}
    assert middleware.process_exception(RequestFactory().get("/"), KeyError("x")) is None
