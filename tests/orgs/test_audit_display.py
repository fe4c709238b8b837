"""The audit trail as a reader sees it: field labels, choice labels, before → after, local time; never a raw
Python dictionary or a UTC ISO timestamp."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from thidua.core.models import AuditEvent
from thidua.orgs.templatetags.audit import audit_rows

pytestmark = pytest.mark.django_db


def test_rows_use_field_labels_and_local_time():
    event = AuditEvent(object_type="nominations.dossier", action="change",
                       before={"state": "draft", "submitted_at": None},
                       after={"state": "submitted", "submitted_at": "2026-12-04T21:19:00.959797+00:00"})
    assert audit_rows(event) == [
        ("Trạng thái", "draft", "submitted"),
        ("Gửi lần đầu lúc", "—", "05/12/2026 04:19"),  # Asia/Ho_Chi_Minh is UTC+7
    ]


def test_rows_hide_ids_and_show_choice_labels_dates_and_booleans():
    rows = audit_rows(AuditEvent(object_type="awards.evaluation", action="create",
                                 after={"id": 3, "person_id": 9, "year": 2024, "rating": "HTXS"}))
    # (The person foreign key has no Vietnamese verbose name yet: its label is Django's default.)
    assert rows == [("Person", "", "#9"), ("Năm", "", "2024"), ("Xếp loại", "", "Hoàn thành xuất sắc nhiệm vụ")]
    rows = audit_rows(AuditEvent(object_type="awards.discipline", action="create",
                                 after={"starts_on": "2024-03-01", "ends_on": None}))
    assert rows == [("Từ ngày", "", "01/03/2024"), ("Đến ngày", "", "—")]
    rows = audit_rows(AuditEvent(object_type="not.a_model", action="change", before={"flag": False},
                                 after={"flag": True}))
    assert rows == [("Flag", "Không", "Có")]


@pytest.mark.integration
def test_the_log_page_and_the_history_panel_show_no_raw_dictionary(auditor):
    from thidua.awards.models import Rating
    from thidua.awards.services import record_evaluation
    from thidua.orgs.models import Person

    person = Person.objects.filter(organization__province__admin_code="04").first()
    evaluation = record_evaluation(get_user_model().objects.get(username="caobang"), year=2024,
                                   rating=Rating.HTXS, person=person)
    html = auditor.get("/nhat-ky/", {"object_type": "awards.evaluation",
                                     "object_id": str(evaluation.pk)}).content.decode()
    assert "Hoàn thành xuất sắc nhiệm vụ" in html
    assert "{&#x27;" not in html and "&#x27;rating&#x27;" not in html
