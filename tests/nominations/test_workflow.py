"""The workflow as data: every transition taken by the right role at the right level, and refused for a wrong
role, a wrong level and a wrong state — with nothing changed; routing between levels; item-level outcomes."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from tests.nominations.conftest import REASON, atype, build, new_person, snapshot, user
from thidua.core.models import AuditEvent
from thidua.nominations import services
from thidua.nominations.models import Dossier, DossierEvent, ItemOutcome
from thidua.nominations.workflow import resolve_target, route_rule, workflow
from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# (transition, the state it is taken from, the dossier's authority)
CASES = [
    ("submit", "draft", "minister_chairman"), ("submit", "returned", "minister_chairman"),
    ("recall", "submitted", "minister_chairman"),
    ("withdraw", "draft", "minister_chairman"), ("withdraw", "returned", "minister_chairman"),
    ("receive", "submitted", "minister_chairman"),
    ("appraise", "received", "minister_chairman"),
    ("return", "submitted", "minister_chairman"), ("return", "received", "minister_chairman"),
    ("return", "appraisal", "minister_chairman"), ("return", "council", "minister_chairman"),
    ("reject", "submitted", "minister_chairman"), ("reject", "received", "minister_chairman"),
    ("reject", "appraisal", "minister_chairman"),
    ("to_council", "appraisal", "minister_chairman"),
    ("forward", "appraisal", "prime_minister"), ("forward", "council_voted", "prime_minister"),
    ("propose", "appraisal", "minister_chairman"), ("propose", "council_voted", "minister_chairman"),
    ("notify", "decided", "minister_chairman"),
]


def test_cases_cover_every_transition_and_source():
    """The table above is the whole workflow: every (transition, source state) of workflow.json except the
    decision, which has its own service (tests/nominations/test_decisions.py)."""
    wf = workflow()
    expected = {(t.code, s) for t in wf.transitions.values() if t.via is None for s in t.sources}
    covered = {(t, s.replace("council_voted", "council")) for t, s, _ in CASES}
    assert covered == expected


@pytest.fixture
def dept_council_member(dept):
    """Someone acting for the proposing department, with a role that may not propose."""
    u = get_user_model().objects.create_user("hoidong_so", password="x")
    UserRole.objects.create(user=u, organization=dept, role=Role.COUNCIL_MEMBER)
    return u


def actors(t, dept_council_member):
    if t.level == "proposer":
        return {"right": user("donvi"), "wrong_role": dept_council_member, "wrong_level": user("caobang")}
    return {"right": user("caobang"), "wrong_role": user("hoidong"), "wrong_level": user("donvi")}


@pytest.mark.parametrize("code,source,granted_by", CASES)
def test_transition_allowed_for_the_right_role_and_level(code, source, granted_by, dept, unit, dept_council_member):
    t = workflow().transitions[code]
    d = build(source, dept, unit, granted_by=granted_by)
    events = d.events.count()
    reason = REASON if t.reason else ""
    event = services.move(actors(t, dept_council_member)["right"], d, code, reason)
    d.refresh_from_db()
    assert d.state == t.target
    assert (event.transition, event.from_state, event.to_state, event.reason) == (
        code, source.replace("council_voted", "council"), t.target, reason)
    assert d.events.count() == events + 1
    if code == "forward":  # the dossier goes on to the Central Board
        assert d.step == 1 and d.handler.name == "Ban Thi đua - Khen thưởng Trung ương" and d.received_at is None


@pytest.mark.parametrize("code,source,granted_by", CASES)
def test_transition_refused_for_a_wrong_role_and_a_wrong_level(code, source, granted_by, dept, unit,
                                                               dept_council_member):
    t = workflow().transitions[code]
    d = build(source, dept, unit, granted_by=granted_by)
    for kind in ("wrong_role", "wrong_level"):
        actor = actors(t, dept_council_member)[kind]
        before, denied = snapshot(d), AuditEvent.objects.filter(action="denied").count()
        with pytest.raises(PermissionDenied) as exc:
            services.move(actor, d, code, REASON)
        message = str(exc.value)
        if kind == "wrong_role":
            assert "vai trò của bạn" in message and "không được làm việc này" in message, message
        else:
            assert "chỉ" in message and ("đơn vị trình" in message or "đơn vị đang xử lý" in message), message
        assert snapshot(d) == before, kind
        assert AuditEvent.objects.filter(action="denied").count() == denied + 1


@pytest.mark.parametrize("code", [t for t in workflow().transitions if t != "decide"])
def test_transition_refused_in_a_wrong_state(code, dept, unit, dept_council_member):
    t = workflow().transitions[code]
    wrong = next(s for s in ("draft", "submitted", "appraisal", "decided") if s not in t.sources)
    d = build(wrong, dept, unit, vote_item=False)
    before = snapshot(d)
    # The actor at the right level with the right role, had the state been right.
    actor = user("donvi") if t.level == "proposer" else user("caobang")
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        services.move(actor, d, code, REASON)
    assert snapshot(d) == before
    if isinstance(exc.value, ValidationError):
        assert "trạng thái" in " ".join(exc.value.messages)


def test_a_reason_is_required_to_return_reject_and_withdraw(dept, unit):
    for code, state in (("return", "submitted"), ("reject", "submitted"), ("withdraw", "draft")):
        d = build(state, dept, unit)
        before = snapshot(d)
        actor = user("donvi") if code == "withdraw" else user("caobang")
        with pytest.raises(ValidationError, match="cần nêu lý do"):
            services.move(actor, d, code, "   ")
        assert snapshot(d) == before


def test_unknown_transition_and_decision_through_move_are_refused(dept, unit):
    d = build("proposed", dept, unit, vote_item=False)
    with pytest.raises(ValidationError, match="không có trong quy trình"):
        services.move(user("caobang"), d, "approve_everything")
    with pytest.raises(ValidationError, match="ghi quyết định"):
        services.move(user("caobang"), d, "decide")
    assert Dossier.objects.get(pk=d.pk).state == "proposed"


def test_submit_needs_items_and_editing_only_while_draft_or_returned(dept, unit):
    donvi = user("donvi")
    d = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Rỗng")
    with pytest.raises(ValidationError, match="chưa có người"):
        services.move(donvi, d, "submit")
    d = build("submitted", dept, unit, vote_item=False)
    with pytest.raises(ValidationError, match="chỉ sửa được khi"):
        services.add_item(donvi, d, award_type=atype("BK_TINH"), person=new_person(unit, "Người Mới"))
    services.move(user("caobang"), d, "return", REASON)
    d.refresh_from_db()
    services.add_item(donvi, d, award_type=atype("BK_TINH"), person=new_person(unit, "Người Mới"))  # returned: editable
    services.move(donvi, d, "submit")
    d.refresh_from_db()
    assert d.state == "submitted" and d.items.count() == 2
    assert [e.transition for e in d.events.order_by("pk")] == ["create", "submit", "return", "submit"]


def test_routing_to_the_central_board_and_its_levels(dept, unit):
    """Department → Prime Minister: the province appraises and forwards, the Central Board appraises and the
    Prime Minister's decision is recorded there; each level acts only at its own step."""
    d = build("appraisal", dept, unit, granted_by="prime_minister", vote_item=False)
    assert [s.organization.kind for s in d.steps.order_by("position")] == ["province", "central"]
    assert d.authority.name == "Thủ tướng Chính phủ"
    with pytest.raises(ValidationError, match="trình lên cấp trên"):
        services.move(user("caobang"), d, "propose")
    services.move(user("caobang"), d, "forward")
    d.refresh_from_db()
    assert (d.state, d.handler.kind) == ("submitted", "central")
    with pytest.raises(PermissionDenied, match="Ban Thi đua - Khen thưởng Trung ương"):
        services.move(user("caobang"), d, "receive")  # the province no longer handles it
    with pytest.raises(ValidationError, match="đã được chuyển lên cấp trên"):
        services.move(user("donvi"), d, "recall")
    trunguong = user("trunguong")
    for code in ("receive", "appraise"):
        services.move(trunguong, d, code)
    with pytest.raises(ValidationError, match="cấp cuối"):
        services.move(trunguong, d, "forward")
    services.move(trunguong, d, "propose")
    decision = services.record_decision(trunguong, d, number="88/QĐ-TTg", signed_on=date(2025, 4, 1),
                                        signer_name="Thủ tướng Chính phủ")
    assert decision.authority.name == "Thủ tướng Chính phủ"
    assert list(decision.awards.values_list("award_type__code", flat=True)) == ["BK_TTG"]
    with pytest.raises(PermissionDenied):  # the auditor reads everything, acts on nothing
        services.move(user("kiemtra"), d, "notify")


def test_routing_is_data_with_dates(cao_bang):
    """Before 1/7/2025 a commune's provincial dossier went through its district; from then on straight to the
    province (routing.json). A merged province's units are routed to its successor."""
    district = Organization.objects.create(kind=OrganizationKind.DISTRICT, name="Huyện Thử", parent=cao_bang)
    commune = Organization.objects.create(kind=OrganizationKind.COMMUNE, name="Xã Thử", parent=district)
    before = route_rule("commune", "minister_chairman", date(2025, 6, 30))
    after = route_rule("commune", "minister_chairman", date(2025, 7, 1))
    assert (before.id, before.route) == ("provincial-district", ("district", "province"))
    assert (after.id, after.route) == ("provincial", ("province",))
    assert resolve_target("district", commune) == district
    assert resolve_target("province", commune) == cao_bang
    assert resolve_target("head", commune) == commune  # the commune chairman decides grassroots titles
    assert route_rule("commune", "prime_minister", date(2025, 8, 1)).route == ("province", "central_board")
    merged = Organization.objects.filter(kind=OrganizationKind.PROVINCE, valid_to__isnull=False,
                                         successor__isnull=False).first()
    if merged is not None:
        dept = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name="Sở Thử", parent=merged)
        assert resolve_target("province", dept) == merged.successors_chain()[-1]


def test_create_dossier_refusals(dept, cao_bang):
    with pytest.raises(PermissionDenied, match="không được lập hồ sơ"):
        services.create_dossier(user("laichau"), from_org=dept, granted_by="minister_chairman", year=2024, title="X")
    with pytest.raises(PermissionDenied):
        services.create_dossier(user("hoidong"), from_org=cao_bang, granted_by="minister_chairman", year=2024, title="X")
    with pytest.raises(ValidationError, match="phong trào"):
        services.create_dossier(user("donvi"), from_org=dept, granted_by="minister_chairman", year=2024, title="X",
                                kind="thematic")
    assert not Dossier.objects.filter(title="X").exists()


# --- Item-level outcomes ---------------------------------------------------------------------------------------


def test_item_outcomes_return_reject_lower_without_stopping_the_rest(dept, unit):
    caobang, donvi = user("caobang"), user("donvi")
    d2 = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Bốn người")
    items = [services.add_item(donvi, d2, award_type=atype(code), person=new_person(unit, n))
             for code, n in (("BK_TINH", "Lương Văn Bảy"), ("BK_TINH", "Mã Thị Tám"), ("CSTD_TINH", "Nông Văn Chín"),
                             ("BK_TINH", "Hà Thị Mười"))]
    services.move(donvi, d2, "submit")
    services.move(caobang, d2, "receive")
    services.set_item_outcome(caobang, items[0], "returned", "Bổ sung báo cáo thành tích")
    services.set_item_outcome(caobang, items[1], "rejected", "Không đủ tiêu chuẩn")
    services.set_item_outcome(caobang, items[2], "lowered", "Chưa đủ 3 năm CSTĐCS", lowered_to=atype("BK_TINH"))
    for item in items:
        item.refresh_from_db()
    assert [i.outcome for i in items] == ["returned", "rejected", "lowered", "pending"]
    assert items[2].final_award_type.code == "BK_TINH"
    services.move(caobang, d2, "appraise")
    services.move(caobang, d2, "propose")  # the lowered item needs no vote any more
    services.record_decision(caobang, d2, number="TN-77/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")
    for item in items:
        item.refresh_from_db()
    assert [i.award is not None for i in items] == [False, False, True, True]
    assert items[2].award.award_type.code == "BK_TINH"
    outcome_events = DossierEvent.objects.filter(dossier=d2, transition="item_outcome", item__isnull=False)
    assert outcome_events.filter(item=items[0], to_state="returned", reason="Bổ sung báo cáo thành tích").exists()


def test_item_outcome_refusals_change_nothing(dept, unit):
    caobang = user("caobang")
    d = build("received", dept, unit)
    bk, cstd = d.items.order_by("position")
    cases = [
        (user("hoidong"), bk, "rejected", "x", None, PermissionDenied),  # wrong role
        (user("donvi"), bk, "rejected", "x", None, PermissionDenied),  # wrong level
        (caobang, bk, "rejected", "", None, ValidationError),  # no reason
        (caobang, bk, "lowered", "x", atype("CSTD_TINH"), ValidationError),  # not lower
        (caobang, cstd, "lowered", "x", atype("CSTDCS"), ValidationError),  # another authority's award
        (caobang, bk, "lowered", "x", None, ValidationError),  # lowered to what?
        (caobang, bk, "nonsense", "x", None, ValidationError),
    ]
    for actor, item, outcome, reason, lowered, error in cases:
        before = snapshot(d)
        with pytest.raises(error):
            services.set_item_outcome(actor, item, outcome, reason, lowered_to=lowered)
        assert snapshot(d) == before, (actor, outcome)
    draft = build("draft", dept, unit, vote_item=False)
    with pytest.raises(ValidationError, match="trạng thái"):
        services.set_item_outcome(caobang, draft.items.first(), ItemOutcome.REJECTED, "x")


def test_allowed_transitions_are_the_buttons_per_role(dept, unit):
    d = build("submitted", dept, unit)
    assert {t.code for t in services.allowed_transitions(user("caobang"), d)} == {"receive", "return", "reject"}
    assert {t.code for t in services.allowed_transitions(user("donvi"), d)} == {"recall"}
    for name in ("hoidong", "laichau", "trunguong", "kiemtra", "admin"):
        assert services.allowed_transitions(user(name), d) == [], name


def test_events_are_append_only(dept, unit):
    from thidua.nominations.models import AppendOnlyError

    d = build("submitted", dept, unit, vote_item=False)
    event = d.events.first()
    event.reason = "sửa lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        d.events.update(reason="x")
    with pytest.raises(AppendOnlyError):
        d.events.all().delete()
    assert d.events.get(pk=event.pk).reason == ""
