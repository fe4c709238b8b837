"""Fixtures for the nomination tests: organisations and people of the reference scenario, fresh people with a
clean history, and helpers that build a dossier and walk it along the workflow."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from thidua.awards.models import Award, AwardType, Decision, Evaluation, RecipientClass
from thidua.nominations import services
from thidua.orgs.models import Gender, Organization, OrganizationKind, Person


def user(username: str):
    return get_user_model().objects.get(username=username)


def client_for(username: str) -> Client:
    """A test client logged in as a demo account."""
    c = Client()
    c.force_login(user(username))
    return c


@pytest.fixture
def users(db):
    return {u.username: u for u in get_user_model().objects.filter(
        username__in=["donvi", "caobang", "laichau", "hoidong", "trunguong", "kiemtra", "admin"])}


@pytest.fixture
def cao_bang(db):
    return Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04")


@pytest.fixture
def dept(db):
    return Organization.objects.get(user_roles__user__username="donvi")  # Sở Nội vụ Cao Bằng


@pytest.fixture
def unit(dept):
    return Organization.objects.create(kind=OrganizationKind.UNIT, name="Phòng Thi đua thử nghiệm", parent=dept)


def new_person(unit, name="Hoàng Thị Lan", gender=Gender.FEMALE, **kw) -> Person:
    return Person.objects.create(full_name=name, gender=gender, organization=unit, **kw)


def give_award(person, code, year, authority=None, signed_on=None, number=None):
    authority = authority or person.organization.province
    decision, _ = Decision.objects.get_or_create(
        authority=authority, number=number or f"T{year}-{code}-{person.pk}",
        defaults={"signed_on": signed_on or date(year + 1, 1, 15)})
    return Award.objects.create(decision=decision, award_type=AwardType.objects.get(code=code), year=year,
                                recipient_class=RecipientClass.INDIVIDUAL_OTHER, recipient_person=person,
                                recipient_name=person.full_name, unit=person.organization,
                                province=person.organization.province)


def bk_tinh_candidate(unit, name="Hoàng Thị Lan") -> Person:
    """A person eligible for BK_TINH 2024: CSTDCS in 2023 and 2024 (Law art. 74.1.d)."""
    p = new_person(unit, name)
    for y in (2023, 2024):
        Evaluation.objects.create(person=p, year=y, rating="HTXS")
        give_award(p, "LDTT", y)
        give_award(p, "CSTDCS", y)
    return p


def atype(code):
    return AwardType.objects.get(code=code)


@pytest.fixture
def dossier(users, dept):
    return services.create_dossier(users["donvi"], from_org=dept, granted_by="minister_chairman", year=2024,
                                   title="Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2024")


# --- Walking a dossier along the workflow ------------------------------------------------------------------

REASON = "Thiếu biên bản họp xét"
ITEM_TYPES = {"minister_chairman": ("BK_TINH", "CSTD_TINH"), "prime_minister": ("BK_TTG", "CSTDTQ")}


def council_members():
    from thidua.nominations.models import Council

    return list(Council.objects.get(name="Hội đồng Thi đua - Khen thưởng tỉnh Cao Bằng").members.order_by("pk"))


PAPER_PDF = b"%PDF-1.4\n% phieu bang van ban co chu ky\n%%EOF\n"


def paper_scan(name: str = "phieu-bang-van-ban.pdf", data: bytes = PAPER_PDF):
    """The scan of a signed paper ballot, as the secretary uploads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def secretary():
    """The secretary of the province's council (the demo names `hoidong`)."""
    from thidua.nominations.models import Council

    return Council.objects.get(name="Hội đồng Thi đua - Khen thưởng tỉnh Cao Bằng").secretary


def vote_all(dossier, handler_user, choice="yes", held_on=date(2025, 3, 5)):
    """Open a session, every member of the province's council votes `choice` in person, close it."""
    session = services.open_session(handler_user, dossier, held_on)
    choices = {c.item_id: choice for c in session.counts.all()}
    for m in council_members():
        services.cast_ballot(m, session, choices)
    services.close_session(handler_user, session)
    return session


def build(state: str, dept, unit, *, granted_by="minister_chairman", vote_item=True, title="Hồ sơ thử nghiệm"):
    """A department's dossier (two fresh people: one needing no vote, one needing a council vote) walked to `state`
    by the right people: donvi proposes, caobang handles (and trunguong at the Central Board)."""
    donvi, caobang = user("donvi"), user("caobang")
    d = services.create_dossier(donvi, from_org=dept, granted_by=granted_by, year=2024, title=title)
    plain, voted = ITEM_TYPES[granted_by]
    services.add_item(donvi, d, award_type=atype(plain), person=new_person(unit, "Vi Văn Thắng", Gender.MALE))
    if vote_item:
        services.add_item(donvi, d, award_type=atype(voted), person=new_person(unit, "Đàm Thị Hạnh"))
    steps = {
        "draft": [],
        "withdrawn": [(donvi, "withdraw", REASON)],
        "submitted": [(donvi, "submit")],
        "returned": [(donvi, "submit"), (caobang, "return", REASON)],
        "rejected": [(donvi, "submit"), (caobang, "reject", REASON)],
        "received": [(donvi, "submit"), (caobang, "receive")],
        "appraisal": [(donvi, "submit"), (caobang, "receive"), (caobang, "appraise")],
    }
    steps["council"] = steps["appraisal"] + [(caobang, "to_council")]
    steps["council_voted"] = steps["council"] + [("vote",)]
    steps["proposed"] = (steps["council_voted"] if vote_item else steps["appraisal"]) + [(caobang, "propose")]
    steps["decided"] = steps["proposed"] + [("decide",)]
    steps["closed"] = steps["decided"] + [(caobang, "notify")]
    for step in steps[state]:
        if step[0] == "vote":
            vote_all(d, caobang)
        elif step[0] == "decide":
            decide(caobang, d, number=f"TN-{d.pk}/QĐ-UBND", signed_on=date(2025, 3, 14),
                                     signer_name="Chủ tịch UBND tỉnh")
        else:
            services.move(step[0], d, *step[1:], confirm=True)
    d.refresh_from_db()
    return d


def snapshot(dossier) -> dict:
    """Every row a refused action must leave as it was."""
    from thidua.nominations.models import (
        Attachment,
        BallotCount,
        Certificate,
        CouncilSession,
        Dossier,
        DossierEvent,
        DossierItem,
        Participation,
    )

    return {
        "dossier": list(Dossier.objects.filter(pk=dossier.pk).values()),
        "items": list(DossierItem.objects.filter(dossier=dossier).order_by("pk").values()),
        "events": DossierEvent.objects.filter(dossier=dossier).count(),
        "sessions": list(CouncilSession.objects.filter(dossier=dossier).values()),
        "counts": list(BallotCount.objects.filter(session__dossier=dossier).values()),
        "participations": Participation.objects.filter(session__dossier=dossier).count(),
        "attachments": Attachment.objects.filter(dossier=dossier).count(),
        "awards": Award.objects.count(),
        "decisions": Decision.objects.count(),
        "certificates": Certificate.objects.count(),
    }


OVERRIDE = "Thử nghiệm: người mới, chưa có hồ sơ thi đua; vẫn khen để kiểm tra quy trình"


def decide(actor, dossier, **kw):
    """Record the decision; the fresh people of these tests have no records, so every item flagged ineligible is
    decided with an explicit reason (services.record_decision refuses otherwise: tested in test_overrides.py)."""
    kw.setdefault("overrides", {i.pk: OVERRIDE for i in dossier.items.all()})
    return services.record_decision(actor, dossier, **kw)
