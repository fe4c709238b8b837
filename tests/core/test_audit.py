"""The audit trail: record() picks who/where/which request from the current request; rows are append-only
(model, queryset, admin and database); /nhat-ky/ is for the Central Board, auditors and admins, searchable,
paginated and exported to Excel."""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.conftest import user
from thidua.core import audit
from thidua.core.middleware import RequestIdMiddleware
from thidua.core.models import AppendOnlyError, AuditEvent
from thidua.orgs.models import Organization

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_record_takes_user_ip_organisation_and_request_id_from_the_request():
    org = Organization.objects.get(user_roles__user__username="caobang")
    seen = {}

    def view(request):
        before = audit.snapshot(org, ["name", "short_name"])
        after = {**before, "short_name": "CB"}
        seen["event"] = audit.record("change", org, before=before, after=after, only_changes=True)
        return HttpResponse("ok")

    request = RequestFactory().post("/x/", REMOTE_ADDR="192.0.2.10")
    request.user = user("caobang")
    response = RequestIdMiddleware(view)(request)
    event = seen["event"]
    event.refresh_from_db()
    assert event.username == "caobang" and event.user_id == request.user.pk
    assert event.organization_id == org.pk and event.organization_name == org.name
    assert event.ip == "192.0.2.10" and event.request_id == response["X-Request-ID"] == request.id
    assert event.object_type == "orgs.organization" and event.object_id == str(org.pk)
    assert event.before == {"short_name": org.short_name} and event.after == {"short_name": "CB"}
    assert list(audit.history(org)) == [event]


def test_record_outside_a_request_and_explicit_arguments():
    event = audit.record("delete", object_type="awards.award", object_id=12, object_repr="Bằng khen #12",
                         before={"amount": 1}, user=user("trunguong"), reason="nhập trùng")
    assert event.request_id == "" and event.ip is None and event.username == "trunguong"
    assert event.organization_name  # the Central Board user acts for one organisation
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    assert audit.record("denied", object_type="x.y", request=anonymous).username == ""
    with pytest.raises(ValueError):
        audit.record("approve", object_type="x.y")


def test_audit_rows_cannot_be_changed_or_deleted():
    event = audit.record("create", object_type="x.y", object_id=1)
    event.reason = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="sửa")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    # Even raw SQL is refused by the database.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admin_is_read_only(admin_client_demo):
    event = audit.record("create", object_type="x.y", object_id=1)
    assert admin_client_demo.get("/admin/core/auditevent/").status_code == 200
    assert admin_client_demo.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert admin_client_demo.get("/admin/core/auditevent/add/").status_code == 403
    assert admin_client_demo.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_demo.post(f"/admin/core/auditevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


@pytest.mark.parametrize("persona,status", [("auditor", 200), ("central_board", 200), ("admin_client_demo", 200),
                                            ("province_officer", 404), ("unit_officer", 404),
                                            ("council_member", 404)])
def test_audit_page_access(request, persona, status):
    client = request.getfixturevalue(persona)
    assert client.get("/nhat-ky/").status_code == status
    assert client.get("/nhat-ky/export.xlsx").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/nhat-ky/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def events():
    cb, lc = user("caobang"), user("laichau")
    old = timezone.now() - datetime.timedelta(days=40)
    made = [audit.record("create", object_type="awards.award", object_id=i, object_repr=f"Bằng khen {i}", user=cb,
                         after={"n": i}) for i in range(60)]
    made.append(audit.record("change", object_type="awards.decision", object_id=7, user=lc, before={"a": 1},
                             after={"a": 2}))
    # An older row (created with an explicit time, as an import of past events would).
    made.append(AuditEvent.objects.create(at=old, action="delete", object_type="awards.award", object_id="999",
                                          username="caobang"))
    return made


def test_audit_search_filters_and_pagination(auditor, events):
    page = auditor.get("/nhat-ky/", {"object_type": "awards.award"}).context["page"]
    assert page.paginator.count == 61 and len(page.object_list) == 50
    assert auditor.get("/nhat-ky/", {"object_type": "awards.award", "page": 2}).context["page"].object_list.__len__() == 11
    assert auditor.get("/nhat-ky/", {"object_type": "awards.award", "object_id": "5"}).context[
        "page"].paginator.count == 1
    assert auditor.get("/nhat-ky/", {"user": "laichau", "action": "change"}).context["page"].paginator.count == 1
    lai_chau = Organization.objects.get(user_roles__user__username="laichau")
    assert auditor.get("/nhat-ky/", {"organization": "Lai Châu"}).context["page"].paginator.count >= 1
    assert auditor.get("/nhat-ky/", {"organization": str(lai_chau.pk), "object_type": "awards.decision"}).context[
        "page"].paginator.count == 1
    today = timezone.localdate()
    recent = auditor.get("/nhat-ky/", {"object_type": "awards.award", "date_from": today.isoformat()})
    assert recent.context["page"].paginator.count == 60
    older = auditor.get("/nhat-ky/", {"object_type": "awards.award",
                                      "date_to": (today - datetime.timedelta(days=30)).strftime("%d/%m/%Y")})
    assert older.context["page"].paginator.count == 1
    bad = auditor.get("/nhat-ky/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert bad.context["page"].paginator.count == 0 and "Từ ngày" in bad.content.decode()
    html = auditor.get("/nhat-ky/", {"user": "laichau"}).content.decode()
    assert "Nhật ký thay đổi" in html and "awards.decision#7" in html


def test_audit_export(central_board, events):
    response = central_board.get("/nhat-ky/export.xlsx", {"object_type": "awards.award", "user": "caobang"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Thời điểm", "Người dùng", "Đơn vị", "Thao tác"]
    assert len(rows) == 1 + 61
    assert {r[3] for r in rows[1:]} == {"Tạo mới", "Xóa"}


def test_login_is_audited_with_the_request_id(client):
    response = client.post("/accounts/login/", {"username": "kiemtra", "password": "thidua2018"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login", username="kiemtra")
    assert event.request_id == response["X-Request-ID"]


def test_history_panel_of_a_record(rf):
    from django.template import Context, Template

    org = Organization.objects.get(user_roles__user__username="caobang")
    for i in range(3):
        audit.record("change", org, before={"short_name": str(i)}, after={"short_name": str(i + 1)},
                     user=user("caobang"))
    request = rf.get("/")
    request.user = user("kiemtra")
    html = Template("{% load audit %}{% audit_history org limit=2 %}").render(Context({"org": org, "request": request}))
    assert "Lịch sử thay đổi" in html and html.count("list-group-item small") == 2
    assert f"object_id={org.pk}" in html  # the auditor gets the link to the full trail
    request.user = user("caobang")
    html = Template("{% load audit %}{% audit_history org limit=5 %}").render(Context({"org": org, "request": request}))
    assert html.count("list-group-item small") == 3 and "nhat-ky" not in html
    assert "style=" not in html
