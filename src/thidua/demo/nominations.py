"""Demo nominations for the reference scenario (illustrative): Cao Bằng's council, a 2024 dossier taken from
proposal through appraisal, a secret council vote and the decision to certificates; a department's dossier
waiting in the province's inbox; and a draft. Built through the services, as a user would."""

from __future__ import annotations

import functools
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from thidua.awards.authority import powers
from thidua.awards.models import (
    Award,
    AwardType,
    Decision,
    Evaluation,
    Initiative,
    InitiativeScope,
    Rating,
    RecipientClass,
)
from thidua.awards.services import bulk_record_awards
from thidua.eligibility.loader import evaluate_database, subtree
from thidua.nominations import services
from thidua.nominations.checks import check_dossier
from thidua.nominations.models import Council, Dossier
from thidua.nominations.workdays import Calendar
from thidua.orgs.models import Organization, OrganizationKind, Person, Role, UserRole

DEMO_TITLE = "Đề nghị tặng danh hiệu Chiến sĩ thi đua và Bằng khen của Chủ tịch UBND tỉnh năm 2024 (minh họa)"
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng tỉnh Cao Bằng"
COUNCIL_SIZE = 7
# A one-page PDF standing in for the scan of a signed paper ballot (illustrative data only).
ILLUSTRATIVE_SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                     b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                     b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                     b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _grassroots_authority(org: Organization) -> Organization:
    """The unit whose head grants grassroots titles to its staff: the organisation itself or the nearest above."""
    while org.parent_id and "head_of_unit" not in powers(org):
        org = org.parent
    return org


def _give_records(people: list[Person], years: list[int], initiative_year: int | None = None) -> None:
    """Illustrative records that make these people eligible under the rules in force (Luật TĐKT 2022 Điều 22–23,
    74): rated HTXS and Chiến sĩ thi đua cơ sở each year of `years` (decided by their unit's head early the next
    year), and, with `initiative_year`, an initiative recognised at provincial level. The generated registry stops
    in 2019, so without them nobody qualifies for a 2024 title."""
    cstdcs = AwardType.objects.get(code="CSTDCS")
    decisions: dict[tuple[int, int], Decision] = {}
    awards, ratings = [], []
    rated = set(Evaluation.objects.filter(person__in=people, year__in=years).values_list("person_id", "year"))
    for p in people:
        authority = _grassroots_authority(p.organization)
        for year in years:
            key = (authority.pk, year)
            if key not in decisions:
                decisions[key] = Decision.objects.create(
                    number=f"{len(decisions) + 11}/QĐ-CSTĐCS-{year}", signed_on=date(year + 1, 1, 15),
                    authority=authority, signer_name="(minh họa)", signer_title="Thủ trưởng đơn vị",
                    summary=f"Về việc công nhận danh hiệu Chiến sĩ thi đua cơ sở năm {year}", is_illustrative=True)
            awards.append(Award(decision=decisions[key], award_type=cstdcs, year=year, recipient_person=p,
                                recipient_class=RecipientClass.DIRECT_WORKER if p.is_direct_worker
                                else RecipientClass.INDIVIDUAL_OTHER, recipient_name=p.full_name,
                                unit=p.organization))
            if (p.pk, year) not in rated:
                ratings.append(Evaluation(person=p, year=year, rating=Rating.HTXS))
        if initiative_year:
            Initiative.objects.create(person=p, code=f"SK-{initiative_year}-{p.pk}", year=initiative_year,
                                      title=f"Cải tiến quy trình tiếp nhận hồ sơ trực tuyến tại {p.organization.name}",
                                      scope=InitiativeScope.PROVINCIAL, recognised_by="(minh họa)")
    bulk_record_awards(awards)
    Evaluation.objects.bulk_create(ratings)


def _eligible(people, award: str, year: int, limit: int, exclude=()) -> list[Person]:
    ids = [int(r.subject) for r in evaluate_database(year, people, None, [award]) if r.eligible]
    ids = [i for i in ids if i not in exclude][:limit]
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def _drop_blocked(user, dossier: Dossier) -> None:
    """Leave out a candidate a check blocks (e.g. an open review in the generated records)."""
    for item, _check in check_dossier(dossier).blocking:
        services.remove_item(user, item)


# The council's other members (the demo account `hoidong` is the first): accounts that log in with the demo
# password and act for Cao Bằng as council members. Names are illustrative.
COUNCIL_MEMBERS = ["Nông Văn Thạch", "Lục Thị Mai", "Đàm Quang Bình", "Bế Thị Hoa", "Triệu Văn Dũng", "Hà Thị Lan"]
PENDING_TITLE = "Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2024 — đợt 2 (minh họa)"


def password_hash(password: str) -> str:
    """The demo password hashed once per process (and preferred hasher) and given to every demo account: a hash
    takes a third of a second (Argon2, production settings) and the scenario sets it on 19 accounts, some twice."""
    return _password_hash(password, settings.PASSWORD_HASHERS[0])


@functools.cache
def _password_hash(password: str, hasher: str) -> str:
    return make_password(password)


def council_accounts(cao_bang: Organization, password: str | None) -> list:
    """hoidong2…hoidong7: working accounts (demo password, council-member role at Cao Bằng). Idempotent; also
    repairs the accounts of a database loaded before they could log in."""
    User = get_user_model()
    out = []
    for n, name in enumerate(COUNCIL_MEMBERS, start=2):
        username = f"hoidong{n}"
        m, _ = User.objects.get_or_create(username=username)
        m.first_name, m.last_name = name, ""
        m.email = m.email or f"{username}@thidua.local"
        if password:
            m.password = password_hash(password)
        m.save()
        UserRole.objects.get_or_create(user=m, organization=cao_bang, role=Role.COUNCIL_MEMBER)
        out.append((username, password, f"{name}, thành viên Hội đồng TĐKT tỉnh Cao Bằng"))
    return out


@transaction.atomic
def load_nominations_demo(accounts: list | None = None) -> list | None:
    """Idempotent; returns `accounts` (with the council's members added) so the scenario loader can end with
    `return load_nominations_demo(b.accounts())`."""
    services.load_reference_data()
    cao_bang = Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code="04").order_by("pk").first()
    password = next((pw for username, pw, _label in accounts or [] if username == "hoidong"), None)
    members_accounts = council_accounts(cao_bang, password) if cao_bang else []
    if accounts is not None:
        accounts = [*accounts, *members_accounts]
    if Dossier.objects.filter(title=DEMO_TITLE).exists():
        return accounts
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["caobang", "donvi", "hoidong"])}
    if len(users) < 3:
        return accounts
    dept = Organization.objects.filter(user_roles__user=users["donvi"]).first()

    council = Council.objects.create(organization=cao_bang, name=COUNCIL_NAME)
    members = [users["hoidong"], *User.objects.filter(username__in=[f"hoidong{n}" for n in range(2, COUNCIL_SIZE + 1)])
               .order_by("username")]
    council.members.set(members)
    council.chair, council.secretary = members[1], members[0]  # illustrative: member no. 2 chairs, `hoidong` records
    council.save(update_fields=["chair", "secretary"])

    # 1. The province's own dossier, from proposal to certificates.
    people, _ = subtree(cao_bang)
    caobang = users["caobang"]
    dept_ids = set(subtree(dept)[0].values_list("pk", flat=True)) if dept is not None else set()
    clear = people.filter(disciplines__isnull=True, reviews__isnull=True).exclude(pk__in=dept_ids).order_by("pk")
    # The nominees of the province's dossiers qualify (records below); the department's show both cases. The
    # second Chiến sĩ thi đua cấp tỉnh nominee is for the dossier still before the council.
    _give_records(list(clear[:2]), [2022, 2023, 2024], initiative_year=2023)
    _give_records(list(clear[2:5]), [2023, 2024])
    if dept is not None:
        own = subtree(dept)[0].filter(disciplines__isnull=True, reviews__isnull=True).order_by("pk")
        _give_records(list(own[:1]), [2023, 2024])
    cstd_all = _eligible(people, "CSTD_TINH", 2024, 2)
    cstd, later = cstd_all[:1], cstd_all[1:]
    bk = _eligible(people, "BK_TINH", 2024, 3, exclude={p.pk for p in cstd_all} | dept_ids)
    d = services.create_dossier(caobang, from_org=cao_bang, granted_by="minister_chairman", year=2024, title=DEMO_TITLE,
                                letter_number="15/TTr-SNV")
    types = {t.code: t for t in AwardType.objects.filter(code__in=["CSTD_TINH", "BK_TINH"])}
    for p in cstd:
        services.add_item(caobang, d, award_type=types["CSTD_TINH"], person=p,
                          achievement="Ba năm liền Chiến sĩ thi đua cơ sở; sáng kiến được công nhận cấp tỉnh.")
    for p in bk:
        services.add_item(caobang, d, award_type=types["BK_TINH"], person=p,
                          achievement="Hai năm liên tục Chiến sĩ thi đua cơ sở.")
    _drop_blocked(caobang, d)
    for t in ("submit", "receive", "appraise"):
        services.move(caobang, d, t)
    if cstd:
        services.move(caobang, d, "to_council")
        session = services.open_session(caobang, d, timezone.localdate())
        choices = {c.item_id: "yes" for c in session.counts.all()}
        for m in members[:-1]:
            services.cast_ballot(m, session, choices)
        # The absent member's signed paper ballot, entered by the council's secretary with its scan.
        scan = SimpleUploadedFile("phieu-bang-van-ban.pdf", ILLUSTRATIVE_SCAN, content_type="application/pdf")
        services.record_written_ballot(council.secretary, session, members[-1], choices, paper=scan)
        services.close_session(caobang, session)
    services.move(caobang, d, "propose")
    decision = services.record_decision(caobang, d, number="245/QĐ-UBND", signed_on=timezone.localdate(),
                                        signer_name="Hoàng Xuân Ánh", signer_title="Chủ tịch UBND tỉnh Cao Bằng",
                                        summary="Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh và Bằng khen năm 2024")
    Decision.objects.filter(pk=decision.pk).update(is_illustrative=True)

    # 2. A second dossier before the council, whose session is on the next working day: the members' work. When
    # no second person meets the conditions, someone else is proposed (the checks then say what is missing).
    if not later:
        later = list(people.exclude(pk__in={p.pk for p in cstd_all + bk}).order_by("pk")[:1])
    if later:
        pending = services.create_dossier(caobang, from_org=cao_bang, granted_by="minister_chairman", year=2024,
                                          title=PENDING_TITLE, letter_number="27/TTr-SNV")
        services.add_item(caobang, pending, award_type=types["CSTD_TINH"], person=later[0],
                          achievement="Ba năm liền Chiến sĩ thi đua cơ sở (minh họa).")
        _drop_blocked(caobang, pending)
        if pending.items.exists():
            for t in ("submit", "receive", "appraise", "to_council"):
                services.move(caobang, pending, t, confirm=True)
            services.open_session(caobang, pending, Calendar.from_db().next_working_day(timezone.localdate()))

    # 3. A department's dossier waiting for the province; 4. a draft.
    if dept is not None:
        dept_people, _ = subtree(dept)
        taken = {p.pk for p in cstd_all + bk}
        # One who qualifies and one who does not: the province's office sees the warning and must give a reason
        # to approve the second anyway; the draft holds only a non-qualifying nominee (submitting asks to confirm).
        chosen = _eligible(dept_people, "BK_TINH", 2024, 1, exclude=taken)
        chosen += list(dept_people.exclude(pk__in=taken | {p.pk for p in chosen})
                       .filter(disciplines__isnull=True, reviews__isnull=True).order_by("pk")[:2])
        if chosen:
            donvi = users["donvi"]
            waiting = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024,
                                              title="Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2024 — "
                                                    f"{dept.name} (minh họa)", letter_number="32/TTr-SNV")
            for p in chosen[:2]:
                services.add_item(donvi, waiting, award_type=types["BK_TINH"], person=p,
                                  achievement="Hoàn thành xuất sắc nhiệm vụ (minh họa).")
            _drop_blocked(donvi, waiting)
            services.move(donvi, waiting, "submit", confirm=True)
            draft = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2025,
                                            title=f"Đề nghị khen thưởng năm 2025 — {dept.name} (nháp, minh họa)")
            services.add_item(donvi, draft, award_type=types["BK_TINH"], person=chosen[-1], year=2024,
                              achievement="(đang soạn)")
    return accounts
