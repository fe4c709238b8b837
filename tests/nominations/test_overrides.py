"""An item the eligibility engine flags ineligible is approved or decided only with an explicit reason (stored on
the item, in the dossier's history and the audit log); a dossier whose every nominee is flagged asks for
confirmation before it is submitted (on the server, page and API); the demo has both cases."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.nominations.conftest import atype, bk_tinh_candidate, build, client_for, new_person, snapshot, user
from thidua.core.models import AuditEvent
from thidua.demo.nominations import DEMO_TITLE, PENDING_TITLE
from thidua.nominations import services
from thidua.nominations.checks import check_dossier
from thidua.nominations.models import Dossier

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_submitting_only_ineligible_nominees_needs_confirmation(dossier, unit):
    donvi = user("donvi")
    services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Chưa Đủ"))
    before = snapshot(dossier)
    with pytest.raises(services.NeedsConfirmation, match="đều chưa đủ điều kiện"):
        services.move(donvi, dossier, "submit")
    assert snapshot(dossier) == before
    # The page asks (409, a confirmation form), the dossier stays a draft; confirming submits it.
    page = client_for("donvi").post(f"/ho-so/{dossier.pk}/chuyen/", {"transition": "submit"})
    assert page.status_code == 409 and 'name="confirm" value="1"' in page.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    assert client_for("donvi").post(f"/ho-so/{dossier.pk}/chuyen/",
                                    {"transition": "submit", "confirm": "1"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_api_submission_needs_confirmation_too(dossier, unit):
    donvi = user("donvi")
    services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Chưa Đủ"))
    api = client_for("donvi")
    url = f"/api/v1/dossiers/{dossier.pk}/transitions"
    refused = api.post(url, {"transition": "submit"}, content_type="application/json")
    assert refused.status_code == 409 and "chưa đủ điều kiện" in refused.content.decode()
    assert api.post(url, {"transition": "submit", "confirm": True}, content_type="application/json").status_code == 200


def test_a_dossier_with_an_eligible_nominee_submits_without_asking(dossier, unit):
    donvi = user("donvi")
    services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=bk_tinh_candidate(unit, "Đủ Điều Kiện"))
    services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Chưa Đủ"))
    services.move(donvi, dossier, "submit")
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_approving_a_flagged_item_needs_a_reason_which_is_recorded(dept, unit):
    caobang = user("caobang")
    d = build("received", dept, unit, vote_item=False)
    item = d.items.get()
    before = snapshot(d)
    with pytest.raises(ValidationError, match="lý do vượt cảnh báo"):
        services.set_item_outcome(caobang, item, "approved", "")
    assert snapshot(d) == before
    services.set_item_outcome(caobang, item, "approved", "", override_reason="Thành tích đột xuất trong mùa lũ")
    item.refresh_from_db()
    assert item.outcome == "approved" and item.override_reason == "Thành tích đột xuất trong mùa lũ"
    assert item.override_by == caobang and item.override_at is not None
    assert d.events.filter(transition="override", item=item, reason="Thành tích đột xuất trong mùa lũ").exists()
    assert AuditEvent.objects.filter(object_type="nominations.dossieritem", object_id=str(item.pk),
                                     reason__contains="Vẫn khen khi chưa đủ điều kiện").exists()
    page = client_for("caobang").get(f"/ho-so/{d.pk}/").content.decode()
    assert "Vẫn khen khi chưa đủ điều kiện" in page and "Thành tích đột xuất trong mùa lũ" in page


def test_deciding_a_flagged_item_needs_a_reason(dept, unit):
    caobang = user("caobang")
    d = build("proposed", dept, unit, vote_item=False)
    item = d.items.get()
    before = snapshot(d)
    with pytest.raises(ValidationError, match="vượt cảnh báo"):
        services.record_decision(caobang, d, number="OV-1/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")
    assert snapshot(d) == before
    # The decision page says which items are flagged and asks for the reason.
    form = client_for("caobang").get(f"/ho-so/{d.pk}/quyet-dinh/").content.decode()
    assert "⚠ chưa đủ điều kiện" in form and 'name="override_reason"' in form
    answer = client_for("caobang").post(f"/ho-so/{d.pk}/quyet-dinh/", {
        "number": "OV-1/QĐ-UBND", "signed_on": "2025-03-01", "signer_name": "A", "items": [item.pk]})
    assert answer.status_code == 200 and "Cần ghi lý do vẫn khen" in answer.content.decode()
    answer = client_for("caobang").post(f"/ho-so/{d.pk}/quyet-dinh/", {
        "number": "OV-1/QĐ-UBND", "signed_on": "2025-03-01", "signer_name": "A", "items": [item.pk],
        "override_reason": "Đề nghị của Thường trực Hội đồng"})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.award is not None and item.override_reason == "Đề nghị của Thường trực Hội đồng"


def test_other_personas_cannot_override(dept, unit):
    d = build("received", dept, unit, vote_item=False)
    item = d.items.get()
    for username in ("laichau", "hoidong", "donvi", "kiemtra"):
        before = snapshot(d)
        client_for(username).post(f"/ho-so/{d.pk}/muc/{item.pk}/ket-qua/",
                                  {"outcome": "approved", "override_reason": "x"})
        assert snapshot(d) == before, username
        item.refresh_from_db()
        assert item.override_reason == "", username


def test_the_demo_has_eligible_and_ineligible_nominees():
    flags = []
    for d in Dossier.objects.filter(title__contains="(minh họa)"):
        flags += [r.eligible for r in check_dossier(d).items.values() if r.result is not None]
    decided = Dossier.objects.get(title=DEMO_TITLE)
    pending = Dossier.objects.get(title=PENDING_TITLE)  # before the council: its nominee qualifies too
    assert all(r.eligible for r in check_dossier(pending).items.values()), "the council's dossier"
    assert decided.items.filter(award__isnull=False).count() >= 2  # the province's nominees qualified
    waiting = Dossier.objects.get(title__contains="(minh họa)", state="submitted")
    flagged = [r.eligible for r in check_dossier(waiting).items.values()]
    assert True in flagged and False in flagged, flagged
