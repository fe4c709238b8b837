"""Authorisation matrix: every URL pattern of the project × every persona → the expected status.

The routes are read from the URL resolver, so a new route fails `test_every_route_is_classified` until it is
added to ROUTES (or is an admin route, covered by the admin part). Personas (tests/conftest.py + `outsider`):
anonymous, province_officer (Cao Bằng office, 2018 chair), other_province_officer (Lai Châu, a member of the
same cluster), outsider (Hà Nội office, not in the cluster, created here), unit_officer (a Cao Bằng department),
central_board, council_member (Cao Bằng), auditor, admin.

Expected answers: anonymous → login redirect (pages) or 401/403 (API); an object outside the user's scope → 404
(never 403: its existence is not revealed); the audit trail only for global roles; the admin only for the
administrator. Public routes (login, language switch, the OpenAPI schema and its Swagger UI page, static files)
are listed explicitly. Refused writes (anonymous POST to the API, logout, language switch) change no row of the
main tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.persona_sessions import clients_on, create_outsider, sessions_held_open
from thidua.awards.models import Award, Decision
from thidua.core.models import ApiToken, AuditEvent
from thidua.emulation.models import ClusterYear, Exemplar, ExemplarEvent, PublicHonour, Score
from thidua.orgs.models import Organization, OrganizationKind, Person, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PERSONAS = ["anonymous", "province_officer", "other_province_officer", "outsider", "unit_officer",
            "central_board", "council_member", "auditor", "admin"]
USERNAMES = {"province_officer": "caobang", "other_province_officer": "laichau", "outsider": "hanoi",
             "unit_officer": "donvi", "central_board": "trunguong", "council_member": "hoidong",
             "auditor": "kiemtra", "admin": "admin"}

LOGIN = "login"  # 302 to /dang-nhap/?next=…
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=…
API_REFUSED = "api-refused"  # 401 or 403


def statuses(anonymous, **by_persona):
    """Expected answer per persona: keyword arguments override `rest` (the default for logged-in personas)."""
    rest = by_persona.pop("rest")
    out = {p: rest for p in PERSONAS}
    out["anonymous"] = anonymous
    out.update(by_persona)
    return out


EVERYONE_LOGGED_IN = statuses(LOGIN, rest=200)
# The cluster year 2018: member provinces' offices, their council, the central roles; not an outsider province
# nor a unit officer (a department sees its own records, not the cluster's figures).
CLUSTER = statuses(LOGIN, rest=200, outsider=404, unit_officer=404)
CAO_BANG_ORG = statuses(LOGIN, rest=200, other_province_officer=404, outsider=404, unit_officer=404)
CAO_BANG_PERSON = statuses(LOGIN, rest=200, other_province_officer=404, outsider=404)  # inside donvi's department
GLOBAL_ONLY = statuses(LOGIN, rest=404, central_board=200, auditor=200, admin=200)
API_ALL = statuses(API_REFUSED, rest=200)
API_CLUSTER = {**CLUSTER, "anonymous": API_REFUSED}
API_CAO_BANG = {**CAO_BANG_ORG, "anonymous": API_REFUSED}
API_CAO_BANG_PERSON = {**CAO_BANG_PERSON, "anonymous": API_REFUSED}
PUBLIC = statuses(200, rest=200)
# Cao Bằng's sub-movement (demo): Cao Bằng's roles and the global ones; not another province (404).
MOVEMENT_CB = statuses(LOGIN, rest=200, other_province_officer=404, outsider=404)
IMPORT = statuses(LOGIN, rest=200, central_board=403, council_member=403, auditor=403)
UPLOADER = statuses(LOGIN, rest=404, province_officer=200)
IMPORT_PREFIXES = {"khen-thuong/nhap-xep-loai/": "ratings", "don-vi/nhap-ca-nhan/": "people",
                   "khen-thuong/nhap-so-vang/": "golden-register"}
# The golden register (past decisions): a province's or ministry's emulation office only (not a department).
IMPORT_BY_PREFIX = {"khen-thuong/nhap-so-vang/": statuses(LOGIN, rest=200, central_board=403, council_member=403,
                                                          auditor=403, unit_officer=403)}


def import_token(kind: str) -> str:
    """An upload of Cao Bằng's office (an empty sheet of the kind), for the token routes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.lib.imports.helpers import PEOPLE_HEADER, RATINGS_HEADER, xlsx
    from tests.lib.imports.test_golden_register import HEADER as GOLDEN_HEADER
    from thidua.lib.imports import UploadStore

    header, sheet = {"ratings": (RATINGS_HEADER, "Xếp loại"), "golden-register": (GOLDEN_HEADER, "Sổ vàng")}.get(
        kind, (PEOPLE_HEADER, "Cá nhân"))
    upload = SimpleUploadedFile("matrix.xlsx", xlsx([], header, sheet))
    return UploadStore.save(get_user_model().objects.get(username="caobang"), kind, upload).token


DOSSIER_IMPORT = statuses(LOGIN, rest=403, unit_officer=200, other_province_officer=404, outsider=404)


def dossier_import_token() -> str:
    """An upload of the unit officer into the demo draft dossier (an empty sheet), for the token routes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.lib.imports.helpers import xlsx
    from thidua.lib.imports import UploadStore

    upload = SimpleUploadedFile("matrix.xlsx", xlsx([], ["Số định danh cá nhân", "Hình thức đề nghị (*)"], "Danh sách"))
    return UploadStore.save(get_user_model().objects.get(username="donvi"), "dossier-items", upload,
                            {"dossier": demo_dossier("draft").pk}).token


@dataclass
class Route:
    urls: callable  # objects → list of paths to GET
    expected: dict
    note: str = ""
    post: bool = False  # also has a write (POST) checked in test_refused_writes_change_nothing


ROUTES: dict[str, Route] = {
    # Public
    "dang-nhap/": Route(lambda o: ["/dang-nhap/"], PUBLIC, "login form"),
    "i18n/setlang/": Route(lambda o: ["/i18n/setlang/"], statuses(302, rest=302),
                           "language switch: redirects (sets the cookie on POST)", post=True),
    "api/v1/schema/": Route(lambda o: ["/api/v1/schema/"], PUBLIC, "OpenAPI schema: public, no data"),
    "api/v1/docs/": Route(lambda o: ["/api/v1/docs/"], PUBLIC, "Swagger UI page: public, no data"),
    "favicon.ico": Route(lambda o: ["/favicon.ico"], statuses(301, rest=301), "redirect to the static icon"),
    "dang-xuat/": Route(lambda o: ["/dang-xuat/"], statuses(405, rest=405),
                              "GET refused: logout is a POST", post=True),
    "accounts/login/": Route(lambda o: ["/accounts/login/"], statuses(308, rest=308), "former address: to /dang-nhap/"),
    "accounts/logout/": Route(lambda o: ["/accounts/logout/"], statuses(308, rest=308), "former address: to /dang-xuat/"),
    # Pages
    "": Route(lambda o: ["/"], EVERYONE_LOGGED_IN, "home: the user's work list (tests/office/test_worklist.py)"),
    "cum/": Route(lambda o: ["/cum/"], EVERYONE_LOGGED_IN, "the user's cluster years"),
    # The Central Council's clusters and blocks (issue 14.5): every logged-in user, rows scoped (tests/emulation/
    # test_national.py); the run of the flag consolidation is the Central Board's (tests/eligibility/test_national.py).
    "cum/toan-quoc/": Route(lambda o: ["/cum/toan-quoc/?nam=2018"], EVERYONE_LOGGED_IN, "rows by scope"),
    "cum/toan-quoc/co-thi-dua/": Route(lambda o: ["/cum/toan-quoc/co-thi-dua/?nam=2018"], EVERYONE_LOGGED_IN,
                                       "rows by scope"),
    "cum/toan-quoc/co-thi-dua/tong-hop/": Route(lambda o: ["/cum/toan-quoc/co-thi-dua/tong-hop/"],
                                                statuses(LOGIN, rest=405), "POST only", post=True),
    "cum/toan-quoc/bao-cao-tong-hop.<docfmt:fmt>": Route(lambda o: ["/cum/toan-quoc/bao-cao-tong-hop.docx?nam=2018"],
                                                         EVERYONE_LOGGED_IN, "rows by scope"),
    "api/v1/national/<int:year>": Route(lambda o: ["/api/v1/national/2018"], API_ALL, "rows by scope"),
    "api/v1/national/<int:year>/flags": Route(lambda o: ["/api/v1/national/2018/flags"], API_ALL, "rows by scope"),
    "api/v1/national/<int:year>/flags/run": Route(lambda o: ["/api/v1/national/2018/flags/run"],
                                                  statuses(API_REFUSED, rest=405), "POST only", post=True),
    "thong-bao/": Route(lambda o: ["/thong-bao/"], EVERYONE_LOGGED_IN, "the user's own notifications"),
    "thong-bao/cai-dat/": Route(lambda o: ["/thong-bao/cai-dat/"], EVERYONE_LOGGED_IN, "the user's own e-mail choice",
                                post=True),
    "thong-bao/<int:pk>/": Route(lambda o: [f"/thong-bao/{matrix_notification().pk}/"],
                                 statuses(LOGIN, rest=404, province_officer=302),
                                 "opens (marks read, redirects) the owner's notification only"),
    "thong-bao/<int:pk>/da-doc/": Route(lambda o: [f"/thong-bao/{matrix_notification().pk}/da-doc/"],
                                        statuses(LOGIN, rest=405), "POST only (tests/notifications/)", post=True),
    "thong-bao/da-doc-het/": Route(lambda o: ["/thong-bao/da-doc-het/"], statuses(LOGIN, rest=405),
                                   "POST only: the user's own notifications", post=True),
    "api/v1/me/work": Route(lambda o: ["/api/v1/me/work"], API_ALL, "the user's own work list"),
    "api/v1/me/notifications": Route(lambda o: ["/api/v1/me/notifications"], API_ALL, "the user's own notifications"),
    "cum/<int:pk>/": Route(lambda o: [f"/cum/{o.cy.pk}/"], CLUSTER),
    "cum/<int:pk>/chi-tieu/<str:code>/": Route(lambda o: [f"/cum/{o.cy.pk}/chi-tieu/THU_NSNN/"], CLUSTER),
    "cum/<int:pk>/dien-hinh/": Route(lambda o: [f"/cum/{o.cy.pk}/dien-hinh/"], CLUSTER),
    # Cluster-year documents: the Word file here; the PDF of the same route (converted by LibreOffice) is checked
    # for access and content in tests/emulation/test_documents.py.
    **{f"cum/<int:pk>/van-ban/{doc}.<docfmt:fmt>": Route(lambda o, doc=doc: [f"/cum/{o.cy.pk}/van-ban/{doc}.docx"],
                                                         CLUSTER, "Word document of the cluster year")
       for doc in ("giao-uoc", "bao-cao-tong-ket", "thong-cao-bao-chi", "to-trinh")},
    "cum/<int:pk>/van-ban/kiem-phieu-<int:sid>.<docfmt:fmt>": Route(
        lambda o: [f"/cum/{o.cy.pk}/van-ban/kiem-phieu-{o.cy.vote_sessions.first().pk}.docx"], CLUSTER,
        "vote-count minutes of a closed session"),
    **{f"cum/<int:pk>/van-ban/{name}.xlsx": Route(lambda o, name=name: [f"/cum/{o.cy.pk}/van-ban/{name}.xlsx"], CLUSTER,
                                                  "Excel export")
       for name in ("chi-tieu", "cham-diem")},
    # Running the cluster year (emulation/year_*_views.py), on 2018 (locked, done) and 2019 (not opened): every page is
    # the cluster's; the actions on it depend on the role and are tested per persona (refusals change nothing) in
    # tests/emulation/test_year_pages.py.
    **{f"cum/<int:pk>/nam/{part}": Route(lambda o, part=part: [f"/cum/{cy.pk}/nam/{part}" for cy in run_years(o)],
                                         CLUSTER, "page; the forms of a single-form step POST here", post=part in (
                                             "mo/", "dang-ky/", "ket-qua/", "cham-diem/tu-cham/", "cham-diem/tong-hop/"))
       for part in ("", "mo/", "khung/", "dang-ky/", "giao-uoc/", "ket-qua/", "cham-diem/", "cham-diem/tu-cham/",
                    "cham-diem/cham-cheo/", "cham-diem/tong-hop/", "cham-diem/lich-su/", "bo-phieu/")},
    # One URL per action of the year (year_*_views.py): POST only; who may act, and that a refusal changes
    # nothing, is tested per persona in tests/emulation/test_year_pages.py.
    **{f"cum/<int:pk>/nam/{part}": Route(lambda o, part=part: [f"/cum/{o.cy.pk}/nam/{part}"],
                                         statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("khung/tieu-chi/", "khung/tieu-chi/xoa/", "khung/chi-tieu/", "khung/chi-tieu/xoa/",
                    "giao-uoc/soan/", "giao-uoc/ky/", "cham-diem/khoa/", "cham-diem/cham-cheo/cham/",
                    "cham-diem/cham-cheo/phan-cong/", "cham-diem/cham-cheo/phan-cong-tay/", "bo-phieu/hoi-nghi/",
                    "bo-phieu/mo-phien/", "bo-phieu/trao-co/")},
    **{f"cum/<int:pk>/nam/bo-phieu/<int:sid>/{part}": Route(
        lambda o, part=part: [f"/cum/{o.cy.pk}/nam/bo-phieu/{o.cy.vote_sessions.order_by('pk').first().pk}/{part}"],
        statuses(LOGIN, rest=405), "POST only", post=True) for part in ("phieu/", "ket-thuc/", "kiem-lai/", "vong-moi/")},
    "cum/<int:pk>/nam/luy-ke-dau-nam/": Route(
        lambda o: [f"/cum/{cy.pk}/nam/luy-ke-dau-nam/" for cy in run_years(o)], CLUSTER,
        "opening balances of cumulative indicators (per persona in tests/emulation/test_running_totals.py)"),
    "cum/<int:pk>/nam/luy-ke-dau-nam/luu/": Route(
        lambda o: [f"/cum/{o.cy.pk}/nam/luy-ke-dau-nam/luu/"], statuses(LOGIN, rest=405), "POST only", post=True),
    "cum/<int:pk>/nam/bo-phieu/<int:sid>/": Route(
        lambda o: [f"/cum/{o.cy.pk}/nam/bo-phieu/{s.pk}/" for s in o.cy.vote_sessions.order_by("pk")[:2]], CLUSTER,
        "a vote session (its actions have their own URLs below)"),
    "cum/<int:pk>/nam/minh-chung/<str:kind>/<int:obj>/": Route(
        lambda o: [f"/cum/{o.cy.pk}/nam/minh-chung/diem/{Score.objects.filter(criterion__cluster_year=o.cy).first().pk}/"],
        statuses(LOGIN, rest=404), "a score without a file: 404 (a file per persona in tests/emulation/test_year_pages.py)"),
    "khen-thuong/": Route(lambda o: ["/khen-thuong/", f"/khen-thuong/?cluster_year={o.cy.pk}"], EVERYONE_LOGGED_IN,
                          "scoped list (contents checked in test_registry_and_api_lists_are_scoped)"),
    # The state-level awards of 2018 (a few hundred rows across provinces, filtered by scope) rather than the whole
    # year's twenty thousand: the answer per persona is the same; the contents are tested in tests/awards/ and
    # tests/jobs/test_registry_export_job.py.
    "khen-thuong/export.xlsx": Route(lambda o: ["/khen-thuong/export.xlsx?year=2018&level=state"],
                                     EVERYONE_LOGGED_IN),
    "khen-thuong/xuat-chay-nen/": Route(lambda o: ["/khen-thuong/xuat-chay-nen/"], statuses(LOGIN, rest=405),
                                        "POST only: the export as a job (tests/jobs/test_registry_export_job.py)",
                                        post=True),
    # Excel imports (lib/imports.py): editing roles only (read-only roles get 403 with a message); an upload's
    # token belongs to the user who uploaded it (Cao Bằng's office here): anyone else gets 404. Commit is POST only.
    "khen-thuong/nhap/": Route(lambda o: ["/khen-thuong/nhap/"], EVERYONE_LOGGED_IN, "kinds; read-only roles told why"),
    **{f"{prefix}{part}": Route(lambda o, prefix=prefix, part=part: [f"/{prefix}{part}"],
                                IMPORT_BY_PREFIX.get(prefix, IMPORT)) for prefix in IMPORT_PREFIXES for part in ("", "mau.xlsx")},
    **{f"{prefix}<str:token>/{part}": Route(lambda o, prefix=prefix, part=part: [
        f"/{prefix}{import_token(IMPORT_PREFIXES[prefix])}/{part}"], UPLOADER) for prefix in IMPORT_PREFIXES
       for part in ("", "tien-do")},
    **{f"{prefix}<str:token>/ghi": Route(lambda o, prefix=prefix: [f"/{prefix}{'a' * 32}/ghi"],
                                         statuses(LOGIN, rest=405), "POST only", post=True) for prefix in IMPORT_PREFIXES},
    # Excel import of a dossier's items (nominations/imports.py), on the demo draft of donvi's department: only its
    # proposer with an editing role (donvi); other viewers are told why (403); other provinces: 404.
    **{f"ho-so/<int:dossier>/nhap/{part}": Route(lambda o, part=part: [f"/ho-so/{demo_dossier('draft').pk}/nhap/{part}"],
                                                 DOSSIER_IMPORT) for part in ("", "mau.xlsx")},
    **{f"ho-so/<int:dossier>/nhap/<str:token>/{part}": Route(lambda o, part=part: [
        f"/ho-so/{demo_dossier('draft').pk}/nhap/{dossier_import_token()}/{part}"],
        statuses(LOGIN, rest=404, unit_officer=200), "the uploader's token only") for part in ("", "tien-do")},
    "ho-so/<int:dossier>/nhap/<str:token>/ghi": Route(lambda o: [f"/ho-so/{demo_dossier('draft').pk}/nhap/{'a' * 32}/ghi"],
                                                       statuses(LOGIN, rest=405), "POST only", post=True),
    # Statistical report forms 0601–0605 (reports/definitions.py): the page defaults to the user's organisation; an
    # organisation outside the scope is 404 (tests/reports/test_views.py checks the page with ?org= too).
    "khen-thuong/bieu-thong-ke/": Route(lambda o: ["/khen-thuong/bieu-thong-ke/", "/khen-thuong/bieu-thong-ke/?form=0603"],
                                        EVERYONE_LOGGED_IN, "form; organisations are scoped"),
    "khen-thuong/bieu-thong-ke/export.xlsx": Route(
        lambda o: [f"/khen-thuong/bieu-thong-ke/export.xlsx?form=0602&org={o.cao_bang.pk}&year=2018"], CAO_BANG_ORG),
    "don-vi/": Route(lambda o: ["/don-vi/"], EVERYONE_LOGGED_IN),
    "don-vi/<int:pk>/": Route(lambda o: [f"/don-vi/{o.cao_bang.pk}/"], CAO_BANG_ORG),
    "nhat-ky/": Route(lambda o: ["/nhat-ky/"], GLOBAL_ONLY),
    "nhat-ky/export.xlsx": Route(lambda o: ["/nhat-ky/export.xlsx"], GLOBAL_ONLY),
    "xet-dieu-kien/": Route(lambda o: ["/xet-dieu-kien/"], EVERYONE_LOGGED_IN, "form; choices are scoped"),
    "xet-dieu-kien/chay-nen/": Route(lambda o: ["/xet-dieu-kien/chay-nen/"], statuses(LOGIN, rest=405),
                                     "POST only: starts the job of a big area (tests/jobs/test_eligibility_job.py)",
                                     post=True),
    "xet-dieu-kien/tinh-san/": Route(lambda o: ["/xet-dieu-kien/tinh-san/"], statuses(LOGIN, rest=405),
                                     "POST only: recompute a province's snapshot (per persona in "
                                     "tests/eligibility/test_snapshots.py)", post=True),
    "ca-nhan/<int:pk>/": Route(lambda o: [f"/ca-nhan/{o.person.pk}/"], CAO_BANG_PERSON),
    "can-cu-phap-ly/": Route(lambda o: ["/can-cu-phap-ly/"], EVERYONE_LOGGED_IN, "overrides listed are scoped"),
    # API
    "api/v1/cluster-years/": Route(lambda o: ["/api/v1/cluster-years/"], API_ALL, "scoped list"),
    "api/v1/cluster-years/<int:pk>/summary": Route(lambda o: [f"/api/v1/cluster-years/{o.cy.pk}/summary"],
                                                   API_CLUSTER),
    "api/v1/awards/": Route(lambda o: ["/api/v1/awards/"], API_ALL, "scoped list"),
    # Record endpoints (api/registry.py, api/award_records.py): lists are scoped; a detail outside the scope is 404;
    # writes (POST/PATCH) are tested per persona in tests/api/test_record_endpoints.py.
    **{f"api/v1/{part}/": Route(lambda o, part=part: [f"/api/v1/{part}/"], API_ALL, "scoped list; POST creates",
                                post=part != "initiatives")
       for part in ("organisations", "people", "decisions", "evaluations", "initiatives")},
    "api/v1/organisations/<int:pk>": Route(lambda o: [f"/api/v1/organisations/{o.cao_bang.pk}"], API_CAO_BANG,
                                           "the province: not inside the unit officer's department", post=True),
    "api/v1/people/<int:pk>": Route(lambda o: [f"/api/v1/people/{o.person.pk}"], API_CAO_BANG_PERSON, post=True),
    "api/v1/awards/<int:pk>": Route(lambda o: [f"/api/v1/awards/{o.award.pk}"],
                                    statuses(API_REFUSED, rest=200, outsider=404, unit_officer=404),
                                    "visible like the registry (cluster peers included)"),
    "api/v1/awards/<int:pk>/revocation": Route(lambda o: [f"/api/v1/awards/{o.award.pk}/revocation"],
                                               statuses(API_REFUSED, rest=405), "POST only", post=True),
    "api/v1/decisions/<int:pk>": Route(lambda o: [f"/api/v1/decisions/{o.award.decision_id}"],
                                       statuses(API_REFUSED, rest=200, outsider=404, unit_officer=404),
                                       "visible through its awards or its issuing organisation"),
    "api/v1/people/<int:pk>/record": Route(lambda o: [f"/api/v1/people/{o.person.pk}/record"], API_CAO_BANG_PERSON,
                                           "a person's record, like /ca-nhan/<id>/"),
    # Write-only endpoints (POST): GET is 405 once authenticated; anonymous POST refused in
    # test_refused_writes_change_nothing. TODO(owner of api/records.py): POST matrix per persona (scope → 404).
    **{f"api/v1/people/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/people/{o.person.pk}/{part}"],
                                               statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("evaluations", "initiatives", "disciplines")},
    "api/v1/eligibility": Route(lambda o: [f"/api/v1/eligibility?year=2018&org={o.cao_bang.pk}"], API_CAO_BANG,
                                post=True),
    # The cluster year run (api/cluster_run.py): reads are the cluster's; writes are POST-only (GET 405) and
    # their per-persona refusals are tested in tests/emulation/test_year_api.py.
    **{f"api/v1/cluster-years/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/cluster-years/{o.cy.pk}/{part}"],
                                                      API_CLUSTER, "read; POST where the endpoint writes", post=True)
       for part in ("run", "criteria", "scores", "votes")},
    **{f"api/v1/cluster-years/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/cluster-years/{o.cy.pk}/{part}"],
                                                      statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("open", "indicators", "registrations", "pact", "pact/signatures", "results",
                    "cross-assignments", "lock", "review-conference", "handover")},
    "api/v1/votes/<int:pk>": Route(lambda o: [f"/api/v1/votes/{o.cy.vote_sessions.first().pk}"], API_CLUSTER),
    **{f"api/v1/votes/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/votes/{o.cy.vote_sessions.first().pk}/{part}"],
                                              statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("ballots", "close", "tie-round")},
    # Nominations, on the demo dossiers of demo/nominations.py: the department's submitted dossier (seen by
    # the department, Cao Bằng's office and council, the central roles), the province's decided dossier and its
    # council session (not the department's), a certificate of that decision (award visibility: cluster peers too)
    # and its public verification. Writes are POST only (GET 405); they are tested per persona in
    # tests/nominations/test_views_api.py.
    "ho-so/": Route(lambda o: ["/ho-so/", "/ho-so/?state=submitted&q=bang+khen"], EVERYONE_LOGGED_IN, "scoped list"),
    "ho-so/cho-xu-ly/": Route(lambda o: ["/ho-so/cho-xu-ly/"], EVERYONE_LOGGED_IN, "my inbox"),
    "ho-so/tao/": Route(lambda o: ["/ho-so/tao/"], EVERYONE_LOGGED_IN, "form; organisations are scoped"),
    "ho-so/<int:pk>/": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/"], CAO_BANG_PERSON),
    "ho-so/<int:pk>/muc/them/": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/muc/them/"], CAO_BANG_PERSON,
                                      "form (the service refuses who may not add)"),
    # The nominee picker's search: only who may add nominees to the dossier (donvi's draft); viewers are told no.
    "ho-so/<int:pk>/muc/tim-doi-tuong/": Route(
        lambda o: [f"/ho-so/{demo_dossier('draft').pk}/muc/tim-doi-tuong/?kind=person&person_q=a"],
        statuses(LOGIN, rest=403, unit_officer=200, other_province_officer=404, outsider=404),
        "people of the dossier's subtree the user may see (tests/nominations/test_nominee_form.py)"),
    "ho-so/<int:pk>/quyet-dinh/": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/quyet-dinh/"],
                                        CAO_BANG_PERSON, "form (the service refuses who may not decide)"),
    "ho-so/<int:pk>/tai-lieu/<int:att_pk>/": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/tai-lieu/999999/"],
                                                   statuses(LOGIN, rest=404), "no such file: 404 (per persona in tests)"),
    **{f"ho-so/<int:pk>/{part}": Route(lambda o, part=part: [f"/ho-so/{demo_dossier('submitted').pk}/{part}"],
                                       statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("chuyen/", "tai-lieu/", "hoi-dong/")},
    **{f"ho-so/<int:pk>/muc/<int:item_pk>/{part}": Route(
        lambda o, part=part: [f"/ho-so/{demo_dossier('submitted').pk}/muc/{demo_dossier('submitted').items.first().pk}/{part}"],
        statuses(LOGIN, rest=405), "POST only", post=True) for part in ("xoa/", "ket-qua/")},
    "hoi-dong/phien/<int:pk>/": Route(lambda o: [f"/hoi-dong/phien/{demo_session().pk}/"], CAO_BANG_ORG),
    # Council management (nominations/councils.py): the emulation offices have the list (their own councils); the
    # demo council is Cao Bằng's, managed by its office (and the administrator); everyone else 404.
    "hoi-dong/": Route(lambda o: ["/hoi-dong/"], statuses(LOGIN, rest=404, province_officer=200,
                                                          other_province_officer=200, outsider=200, admin=200),
                       "councils of the user's emulation office"),
    "hoi-dong/<int:pk>/": Route(lambda o: [f"/hoi-dong/{demo_session().council_id}/"],
                                statuses(LOGIN, rest=404, province_officer=200, admin=200), "members and sessions"),
    "hoi-dong/<int:pk>/thanh-vien/them/": Route(lambda o: [f"/hoi-dong/{demo_session().council_id}/thanh-vien/them/"],
                                                statuses(LOGIN, rest=405), "POST only (tests/nominations/test_councils.py)",
                                                post=True),
    "hoi-dong/<int:pk>/chuc-danh/": Route(lambda o: [f"/hoi-dong/{demo_session().council_id}/chuc-danh/"],
                                          statuses(LOGIN, rest=405), "POST only (tests/nominations/test_councils.py)",
                                          post=True),
    "hoi-dong/<int:pk>/thanh-vien/<int:user_pk>/bot/": Route(
        lambda o: [f"/hoi-dong/{demo_session().council_id}/thanh-vien/{demo_session().council.members.first().pk}/bot/"],
        statuses(LOGIN, rest=405), "POST only (tests/nominations/test_councils.py)", post=True),
    **{f"hoi-dong/phien/<int:pk>/{part}": Route(lambda o, part=part: [f"/hoi-dong/phien/{demo_session().pk}/{part}"],
                                                statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("bo-phieu/", "phieu-van-ban/", "ket-thuc/", "hoan-huy/", "kiem-phieu-lai/")},
    "hoi-dong/phien/<int:pk>/phieu-van-ban/<int:ppk>/ban-quet/": Route(
        lambda o: [f"/hoi-dong/phien/{demo_session().pk}/phieu-van-ban/"
                   f"{demo_session().participations.get(mode='written').pk}/ban-quet/"],
        statuses(LOGIN, rest=404, council_member=200),
        "the sealed scan of a written ballot: the council's chair or secretary (hoidong), after the close"),
    "chung-nhan/<int:pk>/": Route(lambda o: [f"/chung-nhan/{demo_certificate().award_id}/"],
                                  statuses(LOGIN, rest=200, outsider=404, unit_officer=404),
                                  "printable certificate; visible like the award record (cluster peers included)"),
    "chung-nhan/<int:pk>/thu-hoi/": Route(lambda o: [f"/chung-nhan/{demo_certificate().award_id}/thu-hoi/"],
                                          statuses(LOGIN, rest=405), "POST only", post=True),
    "ho-so/<int:pk>/cong-khai/": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/cong-khai/"], CAO_BANG_PERSON,
                                       "the disclosure page; publishing and handling are refused by the service"),
    **{f"ho-so/<int:pk>/cong-khai/{part}": Route(
        lambda o, part=part: [f"/ho-so/{demo_dossier('submitted').pk}/cong-khai/{part}"],
        statuses(LOGIN, rest=405), "POST only (tests/nominations/test_disclosure.py)", post=True)
       for part in ("dang/", "quy-dinh/")},
    "ho-so/<int:pk>/cong-khai/y-kien/<int:comment_pk>/": Route(
        lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/cong-khai/y-kien/1/"],
        statuses(LOGIN, rest=405), "POST only (tests/nominations/test_disclosure.py)", post=True),
    "cong-khai/<str:token>/": Route(lambda o: [f"/cong-khai/{demo_disclosure().token}/"], PUBLIC,
                                    "the public list for comments (no login; throttled like verification)"),
    "xac-minh/<str:token>/": Route(lambda o: [f"/xac-minh/{demo_certificate().token}/"], PUBLIC,
                                   "public verification (no login)"),
    "ho-so/<int:pk>/to-trinh.<docfmt:fmt>": Route(lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/to-trinh.docx"],
                                                  CAO_BANG_PERSON, "submission letter (Word; PDF in tests/nominations)"),
    "ho-so/<int:pk>/quyet-dinh.<docfmt:fmt>": Route(lambda o: [f"/ho-so/{demo_dossier('decided').pk}/quyet-dinh.docx"],
                                                    CAO_BANG_ORG, "the decision with its list"),
    "hoi-dong/phien/<int:pk>/bien-ban-kiem-phieu.<docfmt:fmt>": Route(
        lambda o: [f"/hoi-dong/phien/{demo_session().pk}/bien-ban-kiem-phieu.docx"], CAO_BANG_ORG, "vote-count minutes"),
    "ho-so/<int:pk>/muc/<int:item_pk>/bao-cao-thanh-tich.<docfmt:fmt>": Route(
        lambda o: [f"/ho-so/{demo_dossier('submitted').pk}/muc/{demo_dossier('submitted').items.first().pk}/"
                   "bao-cao-thanh-tich.docx"], CAO_BANG_PERSON, "achievement report of an item (as the dossier)"),
    "hoi-dong/phien/<int:pk>/bien-ban-hop.<docfmt:fmt>": Route(
        lambda o: [f"/hoi-dong/phien/{demo_session().pk}/bien-ban-hop.docx"], CAO_BANG_ORG, "council meeting minutes"),
    "chung-nhan/<int:pk>/giay-chung-nhan.<docfmt:fmt>": Route(
        lambda o: [f"/chung-nhan/{demo_certificate().award_id}/giay-chung-nhan.docx"],
        statuses(LOGIN, rest=200, outsider=404, unit_officer=404), "certificate as Word (PDF in tests/nominations)"),
    "api/v1/dossiers/": Route(lambda o: ["/api/v1/dossiers/"], API_ALL, "scoped list; POST creates", post=True),
    "api/v1/dossiers/<int:pk>": Route(lambda o: [f"/api/v1/dossiers/{demo_dossier('submitted').pk}"],
                                      API_CAO_BANG_PERSON),
    **{f"api/v1/dossiers/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/dossiers/{demo_dossier('submitted').pk}/{part}"],
                                                 statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("items", "transitions", "decision")},
    "api/v1/dossiers/<int:pk>/items/<int:item_pk>/outcome": Route(
        lambda o: [f"/api/v1/dossiers/{demo_dossier('submitted').pk}/items/{demo_dossier('submitted').items.first().pk}/outcome"],
        statuses(API_REFUSED, rest=405), "POST only", post=True),
    "api/v1/council-sessions/<int:pk>/ballot": Route(lambda o: [f"/api/v1/council-sessions/{demo_session().pk}/ballot"],
                                                     statuses(API_REFUSED, rest=405), "POST only", post=True),
    "api/v1/public/disclosures/<str:token>": Route(lambda o: [f"/api/v1/public/disclosures/{demo_disclosure().token}"],
                                                   PUBLIC, "public list for comments (no login; POST comments)",
                                                   post=True),
    "api/v1/dossiers/<int:pk>/disclosure": Route(lambda o: [f"/api/v1/dossiers/{demo_dossier('submitted').pk}/disclosure"],
                                                 API_CAO_BANG_PERSON, "the office's view; POST publishes", post=True),
    "api/v1/disclosure-comments/<int:pk>/handling": Route(lambda o: ["/api/v1/disclosure-comments/1/handling"],
                                                          statuses(API_REFUSED, rest=405), "POST only", post=True),
    "api/v1/verify/<str:token>": Route(lambda o: [f"/api/v1/verify/{demo_certificate().token}"], PUBLIC,
                                       "public verification (no login)"),
    # Emulation movements (emulation/movement_views.py, api/movements.py): Cao Bằng's adoption of the national
    # "nông thôn mới" movement is seen by Cao Bằng (office, department, council) and the global roles; the other
    # provinces see the national movement, not Cao Bằng's sub-movement (404). Actions are POST only; who may act
    # and that refusals change nothing: tests/emulation/test_movements.py.
    "phong-trao/": Route(lambda o: ["/phong-trao/"], EVERYONE_LOGGED_IN, "my level's and adopted movements"),
    "phong-trao/phat-dong/": Route(lambda o: ["/phong-trao/phat-dong/"], EVERYONE_LOGGED_IN,
                                   "launch form (organisations the user may edit; the service refuses others)",
                                   post=True),
    "phong-trao/<int:pk>/": Route(lambda o: [f"/phong-trao/{matrix_movement().pk}/"], MOVEMENT_CB),
    "phong-trao/<int:pk>/van-ban-phat-dong/": Route(lambda o: [f"/phong-trao/{matrix_movement().pk}/van-ban-phat-dong/"],
                                                    statuses(LOGIN, rest=404),
                                                    "no file in the demo: 404 (a file per persona in tests/emulation)"),
    "phong-trao/<int:pk>/so-ket/<int:rid>/bao-cao.<docfmt:fmt>": Route(
        lambda o: [f"/phong-trao/{matrix_movement().pk}/so-ket/{matrix_movement().reviews.first().pk}/bao-cao.docx"],
        MOVEMENT_CB, "review report (Word)"),
    **{f"phong-trao/<int:pk>/{part}": Route(lambda o, part=part: [f"/phong-trao/{matrix_movement().pk}/{part}"],
                                            statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("huong-ung/", "dang-ky/", "so-ket/")},
    **{f"phong-trao/<int:pk>/so-ket/<int:rid>/{part}": Route(
        lambda o, part=part: [f"/phong-trao/{matrix_movement().pk}/so-ket/{matrix_movement().reviews.first().pk}/{part}"],
        statuses(LOGIN, rest=405), "POST only", post=True) for part in ("bao-cao/", "de-nghi-khen/")},
    "api/v1/movements/": Route(lambda o: ["/api/v1/movements/"], API_ALL, "scoped list; POST launches", post=True),
    "api/v1/movements/<int:pk>": Route(lambda o: [f"/api/v1/movements/{matrix_movement().pk}"],
                                       {**MOVEMENT_CB, "anonymous": API_REFUSED}),
    "api/v1/movements/<int:pk>/registrations": Route(
        lambda o: [f"/api/v1/movements/{matrix_movement().pk}/registrations"], {**MOVEMENT_CB, "anonymous": API_REFUSED},
        "registrations of the tree; POST registers", post=True),
    **{f"api/v1/movements/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/movements/{matrix_movement().pk}/{part}"],
                                                  statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("adopt", "reviews")},
    **{f"api/v1/movements/<int:pk>/reviews/<int:rid>/{part}": Route(
        lambda o, part=part: [f"/api/v1/movements/{matrix_movement().pk}/reviews/{matrix_movement().reviews.first().pk}/{part}"],
        statuses(API_REFUSED, rest=405), "POST only", post=True) for part in ("reports", "commendations")},
    # Background jobs (thidua.jobs): a job is its owner's (Cao Bằng's office here) and the administrator's; everyone
    # else 404. Cancel and retry are POST only (per persona in tests/jobs/test_views.py).
    "cong-viec/": Route(lambda o: ["/cong-viec/"], EVERYONE_LOGGED_IN, "my jobs (administrators: all)"),
    **{f"cong-viec/<int:pk>/{part}": Route(lambda o, part=part: [f"/cong-viec/{matrix_job().pk}/{part}"],
                                           statuses(LOGIN, rest=404, province_officer=200, admin=200),
                                           "the owner's and the administrator's")
       for part in ("", "tien-do/", "ket-qua/")},
    **{f"cong-viec/<int:pk>/{part}": Route(lambda o, part=part: [f"/cong-viec/{matrix_job().pk}/{part}"],
                                           statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("huy/", "chay-lai/")},
    # Official papers (thidua.papers) of the demo decision of Cao Bằng: seen as the decision is (it names no one of
    # the unit officer's department, so that officer gets 404 as for the decision itself); signing, printing
    # and the preview are for the issuing office (and the administrator), refused (403) to others who see it.
    "giay-to/quyet-dinh/<int:pk>/": Route(lambda o: [f"/giay-to/quyet-dinh/{demo_decision().pk}/"],
                                          statuses(LOGIN, rest=200, outsider=404, unit_officer=404)),
    "giay-to/quyet-dinh/<int:pk>/xem-truoc.pdf": Route(
        lambda o: [f"/giay-to/quyet-dinh/{demo_decision().pk}/xem-truoc.pdf"],
        statuses(LOGIN, rest=403, province_officer=200, admin=200, outsider=404, unit_officer=404)),
    "giay-to/quyet-dinh/<int:pk>/quyet-dinh-da-ky.pdf": Route(
        lambda o: [f"/giay-to/quyet-dinh/{demo_decision().pk}/quyet-dinh-da-ky.pdf"], statuses(LOGIN, rest=404),
        "not signed in the demo: 404 (the signed download per persona: tests/papers/test_signing.py)"),
    **{f"giay-to/quyet-dinh/<int:pk>/{part}/": Route(lambda o, part=part: [f"/giay-to/quyet-dinh/{demo_decision().pk}/{part}/"],
                                                   statuses(LOGIN, rest=405), "POST only (per persona in tests/papers/)",
                                                   post=True)
       for part in ("ky-so", "in-phoi")},
    "giay-to/mau-in/": Route(lambda o: ["/giay-to/mau-in/"],
                             statuses(LOGIN, rest=200, unit_officer=404, council_member=404, auditor=404),
                             "print layouts: offices that issue decisions", post=True),
    **{f"giay-to/mau-in/<int:pk>/{part}": Route(lambda o, part=part: [f"/giay-to/mau-in/{matrix_layout().pk}/{part}"],
                                                statuses(LOGIN, rest=404, province_officer=200, admin=200),
                                                "Cao Bằng's layout: its office's and the administrator's")
       for part in ("can-chinh.pdf", "xem-truoc.pdf")},
    # The fund of the demo decision's authority (Cao Bằng): its office records, the global roles read; others 404.
    "giay-to/quy/": Route(lambda o: ["/giay-to/quy/"],
                          statuses(LOGIN, rest=200, unit_officer=404, council_member=404, auditor=404),
                          "funds of the offices the user acts for"),
    **{f"giay-to/quy/<int:org>/<int:year>/{part}": Route(
        lambda o, part=part: [f"/giay-to/quy/{demo_decision().authority.pk}/{demo_decision().signed_on.year}/{part}"],
        statuses(LOGIN, rest=404, province_officer=200, central_board=200, auditor=200, admin=200))
       for part in ("", "bao-cao.xlsx", "bao-cao.docx")},
    **{f"giay-to/quy/<int:org>/<int:year>/{part}/": Route(
        lambda o, part=part: [f"/giay-to/quy/{demo_decision().authority.pk}/{demo_decision().signed_on.year}/{part}/"],
        statuses(LOGIN, rest=405), "POST only (per persona in tests/papers/test_fund.py)", post=True)
       for part in ("nguon", "chi")},
    # Exemplary models (emulation/exemplar_views.py, api/exemplars.py) on a Cao Bằng exemplar outside the unit
    # officer's department: seen by the cluster (peers, council, central roles); the actions are POST only and
    # tested per persona in tests/emulation/test_exemplars.py (refusals change nothing). The public honours board
    # and its API: public (throttled, cached).
    "dien-hinh/": Route(lambda o: ["/dien-hinh/", "/dien-hinh/?stage=honoured&year=2016&q=xa"], EVERYONE_LOGGED_IN,
                        "scoped board"),
    "dien-hinh/phat-hien/": Route(lambda o: ["/dien-hinh/phat-hien/"], EVERYONE_LOGGED_IN,
                                  "form; who may not record is told so (POST refused by the service)", post=True),
    "dien-hinh/<int:pk>/": Route(lambda o: [f"/dien-hinh/{matrix_exemplar().pk}/"], CLUSTER),
    "dien-hinh/<int:pk>/tep/<int:att>/": Route(lambda o: [f"/dien-hinh/{matrix_exemplar().pk}/tep/999999/"],
                                               statuses(LOGIN, rest=404), "no such file: 404 (a file in tests)"),
    **{f"dien-hinh/<int:pk>/{part}": Route(lambda o, part=part: [f"/dien-hinh/{matrix_exemplar().pk}/{part}"],
                                           statuses(LOGIN, rest=405), "POST only", post=True)
       for part in ("boi-duong/", "theo-doi/", "nhan-rong/", "tong-ket/", "ton-vinh/", "tep/", "cong-bo/")},
    "dien-hinh/<int:pk>/cong-bo/<int:pub>/rut/": Route(
        lambda o: [f"/dien-hinh/{matrix_publication().exemplar_id}/cong-bo/{matrix_publication().pk}/rut/"],
        statuses(LOGIN, rest=405), "POST only", post=True),
    # An award's page on the board (the demo decision's award outside the unit officer's department): seen as the
    # award is; publishing and withdrawing are POST only, per persona in tests/emulation/test_exemplar_parity.py.
    "dien-hinh/khen-thuong/<int:award>/vinh-danh/": Route(
        lambda o: [f"/dien-hinh/khen-thuong/{demo_certificate().award_id}/vinh-danh/"],
        statuses(LOGIN, rest=200, outsider=404, unit_officer=404), "the form only for the province's office"),
    "dien-hinh/khen-thuong/<int:award>/vinh-danh/cong-bo/": Route(
        lambda o: [f"/dien-hinh/khen-thuong/{demo_certificate().award_id}/vinh-danh/cong-bo/"],
        statuses(LOGIN, rest=405), "POST only", post=True),
    "dien-hinh/khen-thuong/<int:award>/vinh-danh/<int:pub>/rut/": Route(
        lambda o: [f"/dien-hinh/khen-thuong/{demo_certificate().award_id}/vinh-danh/1/rut/"],
        statuses(LOGIN, rest=405), "POST only", post=True),
    "dien-hinh/vinh-danh/<int:pub>/van-ban-dong-y/": Route(
        lambda o: [f"/dien-hinh/vinh-danh/{matrix_publication().pk}/van-ban-dong-y/"], statuses(LOGIN, rest=404),
        "the demo's consents have no document: 404 (the file, per persona, in tests/emulation/test_exemplar_parity.py)"),
    "vinh-danh/": Route(lambda o: ["/vinh-danh/", "/vinh-danh/?q=nong+thon&year=2018"], PUBLIC,
                        "public honours board (no login)"),
    "api/v1/exemplars/": Route(lambda o: ["/api/v1/exemplars/"], API_ALL, "scoped list; POST discovers", post=True),
    "api/v1/exemplars/stages": Route(lambda o: ["/api/v1/exemplars/stages"], API_ALL, "scoped counts"),
    "api/v1/exemplars/<int:pk>": Route(lambda o: [f"/api/v1/exemplars/{matrix_exemplar().pk}"], API_CLUSTER),
    **{f"api/v1/exemplars/<int:pk>/{part}": Route(lambda o, part=part: [f"/api/v1/exemplars/{matrix_exemplar().pk}/{part}"],
                                                  statuses(API_REFUSED, rest=405), "POST only", post=True)
       for part in ("moves", "replications", "follow-ups", "attachments")},
    "api/v1/exemplars/<int:pk>/attachments/<int:att>": Route(
        lambda o: [f"/api/v1/exemplars/{matrix_exemplar().pk}/attachments/999999"], statuses(API_REFUSED, rest=404),
        "no such file: 404 (a file per persona in tests/emulation/test_exemplar_parity.py)"),
    "api/v1/public-honours/": Route(lambda o: ["/api/v1/public-honours/"], statuses(API_REFUSED, rest=405),
                                    "POST only", post=True),
    "api/v1/public-honours/<int:pk>/withdrawal": Route(
        lambda o: [f"/api/v1/public-honours/{matrix_publication().pk}/withdrawal"], statuses(API_REFUSED, rest=405),
        "POST only", post=True),
    "api/v1/public/honours": Route(lambda o: ["/api/v1/public/honours"], PUBLIC, "public honours board (no login)"),
}


def matrix_movement():
    """Cao Bằng's adoption of the national "nông thôn mới" movement, with its sơ kết (demo/movements.py)."""
    from thidua.emulation.models import Movement

    return Movement.objects.filter(launched_by__admin_code="04", launched_by__kind="province",
                                   parent__parent__isnull=True, reviews__isnull=False).first()


def demo_decision():
    """The decision of the demo dossier (Cao Bằng's), with its certificates."""
    from thidua.nominations.models import Certificate

    return Certificate.objects.order_by("pk").first().award.decision


def matrix_layout():
    from thidua.papers.models import PrintLayout
    from thidua.papers.printing import DEFAULT_FIELDS

    return PrintLayout.objects.get_or_create(organization=demo_decision().authority, award_type=None,
                                             defaults={"fields": DEFAULT_FIELDS})[0]


def matrix_job():
    """A finished self-test job of Cao Bằng's office, with a result file."""
    from thidua.jobs import services
    from thidua.jobs.models import Job

    job = Job.objects.filter(kind="jobs.selftest", owner__username="caobang", status="succeeded").first()
    if job is None:
        job = services.enqueue("jobs.selftest", owner=get_user_model().objects.get(username="caobang"),
                               title="Kiểm tra", params={"steps": 1, "step_seconds": 0})
        services.execute(job.pk)
    return job


def run_years(o) -> list[ClusterYear]:
    """The scenario's 2018 year (run to the end) and 2019 year (elected, not yet opened)."""
    return list(ClusterYear.objects.filter(cluster=o.cy.cluster, year__in=(2018, 2019)).order_by("year"))


def demo_disclosure():
    """A published list of the first dossier at the council (made here: the demo publishes none)."""
    from datetime import timedelta

    from django.utils import timezone

    from thidua.nominations.models import Disclosure

    d = demo_dossier("council") or demo_dossier("submitted")
    today = timezone.localdate()
    return Disclosure.objects.get_or_create(dossier=d, defaults={
        "token": "matrix-demo-token", "opens_on": today, "closes_on": today + timedelta(days=14), "working_days": 10,
        "item_ids": list(d.items.values_list("pk", flat=True))})[0]


def demo_dossier(state: str):
    from thidua.nominations.models import Dossier

    return Dossier.objects.filter(state=state).order_by("pk").first()


def demo_session():
    from thidua.nominations.models import CouncilSession

    return CouncilSession.objects.order_by("pk").first()


def matrix_notification():
    """A notification of Cao Bằng's office."""
    from thidua.notifications.models import Notification

    n, _ = Notification.objects.get_or_create(user=get_user_model().objects.get(username="caobang"), key="matrix",
                                              defaults={"kind": "decision", "title": "Ma trận", "url": "/"})
    return n


def demo_certificate():
    """A certificate of the demo decision whose award is outside the unit officer's department."""
    from thidua.nominations.models import Certificate

    department = Organization.objects.get(user_roles__user__username="donvi")
    return (Certificate.objects.exclude(award__unit__path__startswith=department.path).order_by("pk").first())


def matrix_exemplar():
    """A Cao Bằng exemplar whose collective is outside the unit officer's department."""
    from thidua.emulation.models import Exemplar

    department = Organization.objects.get(user_roles__user__username="donvi")
    return (Exemplar.objects.filter(province__admin_code="04", collective__isnull=False)
            .exclude(collective__path__startswith=department.path).order_by("pk").first())


def matrix_publication():
    from thidua.emulation.models import PublicHonour

    return PublicHonour.objects.order_by("pk").first()


def all_routes() -> list[tuple[str, URLPattern]]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p

    return list(walk(get_resolver().url_patterns))


@dataclass
class Objects:
    cy: ClusterYear
    cao_bang: Organization
    person: Person
    award: Award


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker) -> Objects:
    """The scenario's objects the URLs are made of, read once for the module (the tests only read them)."""
    with django_db_blocker.unblock():
        cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04")
        department = Organization.objects.get(user_roles__user__username="donvi")
        person = Person.objects.filter(organization__path__startswith=department.path).order_by("pk").first()
        award = (Award.objects.filter(province=cao_bang).exclude(unit__path__startswith=department.path)
                 .order_by("pk").first())
        assert person and award
        return Objects(ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG"), cao_bang, person, award)


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The outsider's account and one logged-in session per persona, made once for the module (this worker's share
    of it) instead of nine logins per test; rolled back after the module (tests/conftest.py)."""
    with sessions_held_open(django_db_blocker, USERNAMES, before=create_outsider) as keys:
        yield keys


@pytest.fixture
def clients(db, sessions) -> dict[str, Client]:
    return clients_on(sessions)


def check(response, expected, url, persona):
    where = f"{persona} GET {url}: {response.status_code}"
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/?next="), where
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302 and response.url.startswith("/admin/login/?next="), where
    elif expected == API_REFUSED:
        assert response.status_code in (401, 403), where
    else:
        assert response.status_code == expected, where + f" (expected {expected})"


def test_every_route_is_classified():
    routes = all_routes()
    unclassified = [r for r, _ in routes if not r.startswith("admin/") and r not in ROUTES]
    assert not unclassified, f"routes missing from tests/test_matrix.py ROUTES: {unclassified}"
    stale = set(ROUTES) - {r for r, _ in routes}
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"
    for route, spec in ROUTES.items():
        assert set(spec.expected) == set(PERSONAS), route


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_matrix(route, clients, objects):
    spec = ROUTES[route]
    for url in spec.urls(objects):
        for persona in PERSONAS:
            check(clients[persona].get(url), spec.expected[persona], url, persona)


def test_registry_and_api_lists_are_scoped(clients, objects):
    """The lists answer 200 to everyone logged in; what they contain follows the scope. A decided Cao Bằng award
    outside the unit officer's department: seen by the cluster's offices and the central roles only."""
    sees = {"province_officer", "other_province_officer", "central_board", "council_member", "auditor", "admin"}
    name = objects.award.recipient_name
    for persona in PERSONAS[1:]:
        api = clients[persona].get("/api/v1/awards/", {"q": name}).json()
        in_api = objects.award.pk in [a["id"] for a in api["results"]]
        page = clients[persona].get("/khen-thuong/", {"q": name}).context["page"]
        in_page = objects.award.pk in [a.pk for a in page.object_list]
        assert in_api == in_page == (persona in sees), persona
        years = [cy["id"] for cy in clients[persona].get("/api/v1/cluster-years/").json()["results"]]
        assert (objects.cy.pk in years) == (ROUTES["cum/<int:pk>/"].expected[persona] == 200), persona


# --- Admin --------------------------------------------------------------------------------------------------

def admin_urls() -> list[str]:
    """The admin index, each app index, and for every registered model its list, add, change, history and delete
    pages (with the model's first row)."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk]))
    return sorted(set(urls))


def test_admin_routes_are_for_the_administrator_only(clients):
    urls = admin_urls()
    assert len(urls) > 30
    for url in urls:
        for persona in PERSONAS:
            response = clients[persona].get(url)
            if persona == "admin":
                # Read-only models (audit trail, login attempts) and tokens refuse add/delete: 403.
                assert response.status_code in (200, 403), f"admin GET {url}: {response.status_code}"
                if url.endswith(("/change/", "/history/")) or url.rstrip("/").count("/") <= 3:
                    assert response.status_code == 200, f"admin GET {url}: {response.status_code}"
            else:
                check(response, ADMIN_LOGIN, url, persona)
    # The admin login form is public; the admin's logout is a POST.
    assert clients["anonymous"].get("/admin/login/").status_code == 200


# --- Writes: refusals change nothing -------------------------------------------------------------------------

def counts() -> dict[str, int]:
    models = [Award, Decision, ClusterYear, Organization, Person, UserRole, ApiToken, get_user_model(), Exemplar,
              ExemplarEvent, PublicHonour]
    return {m._meta.label: m.objects.count() for m in models}


def test_refused_writes_change_nothing(clients, objects):
    before = counts()
    audit_before = AuditEvent.objects.count()
    anonymous = clients["anonymous"]
    body = {"year": 2018, "subjects": []}
    assert anonymous.post("/api/v1/eligibility", body, content_type="application/json").status_code in (401, 403)
    for part in ("evaluations", "initiatives", "disciplines"):
        response = anonymous.post(f"/api/v1/people/{objects.person.pk}/{part}", {"year": 2018},
                                  content_type="application/json")
        assert response.status_code in (401, 403), part
    for method in ("put", "patch", "delete"):
        for url in ("/api/v1/awards/", "/api/v1/cluster-years/", f"/api/v1/cluster-years/{objects.cy.pk}/summary"):
            assert getattr(anonymous, method)(url).status_code in (401, 403), (method, url)
            # Logged in, the read-only endpoints refuse other methods.
            assert getattr(clients["province_officer"], method)(url).status_code == 405, (method, url)
    for url in ("/api/v1/awards/", "/api/v1/cluster-years/"):
        assert clients["central_board"].post(url, {}).status_code == 405, url
    # Exemplary models and the public board: anonymous writes refused before anything.
    ex = matrix_exemplar()
    award = demo_certificate().award_id
    for url in (f"/dien-hinh/{ex.pk}/boi-duong/", f"/dien-hinh/{ex.pk}/cong-bo/", "/dien-hinh/phat-hien/",
                f"/dien-hinh/{ex.pk}/theo-doi/", f"/dien-hinh/khen-thuong/{award}/vinh-danh/cong-bo/"):
        response = anonymous.post(url, {"plan": "x", "consent": "on", "consent_given_on": "2024-01-01"})
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), url
    for url in (f"/api/v1/exemplars/{ex.pk}/moves", "/api/v1/public-honours/", "/api/v1/exemplars/",
                f"/api/v1/exemplars/{ex.pk}/follow-ups", f"/api/v1/exemplars/{ex.pk}/attachments"):
        assert anonymous.post(url, {"to_stage": "nurtured"}, content_type="application/json").status_code in (401, 403)
    assert anonymous.post("/vinh-danh/", {"q": "x"}).status_code == 405
    # Pages are GET only: a POST to a page is refused or ignored, never a write.
    for url in ("/khen-thuong/", f"/cum/{objects.cy.pk}/", f"/don-vi/{objects.cao_bang.pk}/"):
        response = anonymous.post(url, {"name": "x"})
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), url
    # Logout of an anonymous client, the language switch: redirects, no row changes.
    response = anonymous.post("/dang-xuat/")
    assert response.status_code == 302 and response.url == "/dang-nhap/"
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    # The admin refuses anonymous and non-staff writes.
    for persona in ("anonymous", "central_board"):
        response = clients[persona].post(reverse("admin:awards_awardtype_add"), {"code": "X", "name": "X"})
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), persona
        response = clients[persona].post(reverse("admin:orgs_organization_delete", args=[objects.cao_bang.pk]),
                                         {"post": "yes"})
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), persona
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before  # nothing written, not even a denied-write row


def test_matrix_size(clients, objects):
    """Documents the size of the matrix (routes × personas) so a shrinking matrix is noticed."""
    cells = sum(len(spec.urls(objects)) * len(PERSONAS) for spec in ROUTES.values())
    assert len(ROUTES) == len([r for r, _ in all_routes() if not r.startswith("admin/")])
    assert cells >= 180


# --- Issuing, transcribing and revoking: who acts for the granting authority (awards/authority.py) ------------
# An award of the provincial chairman to a person of the unit officer's department (with its certificate), and a
# revocation decision of the province. issue: Cao Bằng's own decision (API); transcribe: a copy of the
# President's decision for that person (API, with the scan); revoke: through the API and the certificate page.
# Refusals: 403 from the authority rule, 404 outside the scope; each writes a 'denied' row (except anonymous, and
# the page's 404, which names nothing) and no Decision, Award or Revocation row.

DONE, REFUSED = "done", "refused"
AUTHORITY_MATRIX = {
    "issue": statuses(API_REFUSED, rest=403, province_officer=201, admin=201, other_province_officer=404,
                      outsider=404),
    "transcribe": statuses(API_REFUSED, rest=403, province_officer=201, admin=201, other_province_officer=404,
                           outsider=404),
    "revoke": statuses(API_REFUSED, rest=403, province_officer=201, admin=201, other_province_officer=404,
                       outsider=404, unit_officer=404),
    "revoke-page": statuses(LOGIN, rest=REFUSED, province_officer=DONE, admin=DONE, outsider=404),
}


def authority_counts() -> dict[str, int]:
    from thidua.awards.models import Revocation

    return {m.__name__: m.objects.count() for m in (Decision, Award, Revocation)}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(AUTHORITY_MATRIX))
def test_issuing_transcribing_revoking_matrix(action, persona, clients, objects, settings, tmp_path):
    import base64
    from datetime import date

    from thidua.awards import services
    from thidua.awards.models import AwardType, Revocation
    from thidua.nominations import certificates

    settings.MEDIA_ROOT = tmp_path
    staff, cao_bang = objects.person, objects.cao_bang
    president = Organization.objects.get(kind=OrganizationKind.STATE, name="Chủ tịch nước")
    caobang = get_user_model().objects.get(username="caobang")
    granted = services.record_decision(caobang, authority=cao_bang, number="M-1/QĐ-UBND", signed_on=date(2024, 4, 1),
                                       awards=[{"award_type": AwardType.objects.get(code="BK_TINH"), "year": 2023,
                                                "person": staff}])
    award = granted.awards.get()
    certificates.issue([award], cao_bang, 2024, certificates.next_register_numbers(cao_bang, 2024, 1))
    revocation = Decision.objects.create(authority=cao_bang, number="M-2/QĐ-UBND", signed_on=date(2024, 6, 1))
    client, expected = clients[persona], AUTHORITY_MATRIX[action][persona]
    username = USERNAMES.get(persona, "")
    before = authority_counts()
    denied = AuditEvent.objects.filter(action="denied", username=username).count() if username else 0
    row = {"award_type": "BK_TINH", "year": 2023, "person": staff.pk}
    if action == "issue":
        r = client.post("/api/v1/decisions/", {"authority": cao_bang.pk, "number": "M-3/QĐ-UBND",
                                               "signed_on": "2024-05-01", "awards": [row]},
                        content_type="application/json")
    elif action == "transcribe":
        r = client.post("/api/v1/decisions/", {
            "authority": president.pk, "number": "M-4/QĐ-CTN", "signed_on": "2024-05-01", "transcribed": True,
            "source_document": {"name": "qd.pdf", "content": base64.b64encode(b"%PDF-1.4 scan").decode()},
            "awards": [{**row, "award_type": "HCLD3"}]}, content_type="application/json")
    elif action == "revoke":
        r = client.post(f"/api/v1/awards/{award.pk}/revocation", {"decision": revocation.pk, "reason": "Khai man"},
                        content_type="application/json")
    else:
        r = client.post(f"/chung-nhan/{award.pk}/thu-hoi/", {"number": "M-5/QĐ-UBND", "signed_on": "2024-06-02",
                                                             "reason": "Khai man"})
    where = f"{persona} {action}: {r.status_code} {r.content[:300]!r}"
    if expected in (201, DONE):
        assert r.status_code in (201, 302), where
        after = authority_counts()
        assert after != before, where
        if action.startswith("revoke"):
            assert Revocation.objects.filter(award=award).exists(), where
        if action == "transcribe":
            assert Decision.objects.get(number="M-4/QĐ-CTN").transcribed_by == cao_bang, where
        return
    if expected == REFUSED:
        assert r.status_code == 302 and r.url == f"/chung-nhan/{award.pk}/", where
    else:
        check(r, expected, action, persona)
    assert authority_counts() == before, where
    if persona != "anonymous" and expected != 404 or action != "revoke-page" and expected == 404:
        assert AuditEvent.objects.filter(action="denied", username=username).count() == denied + 1, where
