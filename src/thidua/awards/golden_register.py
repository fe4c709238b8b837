"""Excel import of a province's back catalogue: the golden register (sổ vàng) of decisions issued before the
system, on the framework of thidua.lib.imports.

Each row is one award of one decision: decision number, signing date, issuing authority, award type, the year of
the achievement and the recipient (a person by citizen ID, or a collective of the user's scope), with the name as
printed in the decision. Rows with the same authority and number form one decision. The rules are those of
`awards.services.record_decision` and `awards.authority`:
- the authority's own decision (its emulation office imports its own back catalogue) is recorded as issued by it;
- another authority's decision (a President's order, a Prime Minister's certificate for the province's staff) is
  a transcription by the user's office (`Decision.transcribed_by`), and the imported workbook is kept as its
  source document (the register it was copied from);
- the award type is within the authority's power, the recipient within its jurisdiction (a transcription: within
  the office's own staff), the achievement year not after the signing year.
Duplicates are refused: the same award twice in the file, a decision already in the registry, a golden-register
number already used by the authority. All rows or none; a few queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.files import File
from django.core.files.storage import default_storage

from thidua.awards import authority as auth
from thidua.awards.import_columns import AwardTypeColumn
from thidua.awards.imports import PersonColumn
from thidua.awards.models import Award, AwardType, Basis, Decision, RecipientClass
from thidua.awards.services import bulk_record_awards
from thidua.lib.import_views import job_min_bytes
from thidua.lib.imports import (
    CellError,
    ChoiceColumn,
    Column,
    DateColumn,
    ImportContext,
    Importer,
    Row,
    TextColumn,
    YearColumn,
    cell_text,
    chunks,
    register,
)
from thidua.lib.numbers import format_number
from thidua.lib.text import fold
from thidua.orgs.import_columns import OrganizationColumn
from thidua.orgs.models import Organization, OrganizationKind, Person


class RecipientPersonColumn(PersonColumn):
    """A person of the user's scope by citizen ID, with the unit needed to place the award."""

    def prepare(self, values, ctx):
        ids = sorted({self.normalize(v) for v in values})
        people = {}
        for part in chunks(ids):
            for row in Person.objects.filter(citizen_id__in=part).values(
                    "pk", "citizen_id", "full_name", "name_folded", "is_direct_worker", "organization_id",
                    "organization__path", "organization__name", "organization__province_id"):
                people[row["citizen_id"]] = row
        ctx.cache[self.key] = people


class RecipientOrganizationColumn(OrganizationColumn):
    list_name = "TapThe"
    allow_ended = True  # the register names a unit as it was, before a merger


class AuthorityColumn(Column):
    """The issuing authority: an organisation with a power to grant (Chủ tịch nước, Thủ tướng Chính phủ, a province,
    a ministry, a department…), by name or "Name [#id]" (the dropdown)."""

    memoize = True
    list_name = "CoQuan"
    KINDS = (OrganizationKind.STATE, *auth.KIND_POWERS)

    def prepare(self, values, ctx):
        names = {fold(OrganizationColumn.ID_RE.sub("", cell_text(v)).strip()) for v in values}
        ids = {int(m.group(1)) for v in values if (m := OrganizationColumn.ID_RE.search(cell_text(v)))}
        found: dict = {}
        qs = Organization.objects.filter(kind__in=self.KINDS)
        for part in chunks(sorted(names)):
            for org in qs.filter(name_folded__in=part):
                found.setdefault(org.name_folded, []).append(org)
        by_id = {o.pk: o for part in chunks(sorted(ids)) for o in qs.filter(pk__in=part)}
        ctx.cache[self.key] = (by_id, found)

    def parse(self, value, ctx):
        by_id, by_name = ctx.cache[self.key]
        text = cell_text(value)
        m = OrganizationColumn.ID_RE.search(text)
        if m:
            org = by_id.get(int(m.group(1)))
            if org is None:
                raise CellError(f"Không tìm thấy cơ quan ban hành “{text}”.")
            return org.pk
        candidates = by_name.get(fold(text), [])
        if not candidates:
            raise CellError(f"Không tìm thấy cơ quan ban hành “{text}”; hãy chọn từ danh sách (ví dụ “Thủ tướng "
                            f"Chính phủ”, tên tỉnh).")
        if len(candidates) > 1:
            raise CellError(f"Có {len(candidates)} cơ quan tên “{text}”; hãy chọn từ danh sách (tên kèm mã #).")
        return candidates[0].pk

    def choices(self, ctx):
        own = auth.issuing_authorities(ctx.user).values_list("pk", flat=True)
        offices = auth.transcribing_offices(ctx.user)
        qs = Organization.objects.filter(pk__in=list(own)) | Organization.objects.filter(
            kind__in=(OrganizationKind.STATE, OrganizationKind.MINISTRY))
        for office in offices:
            qs = qs | Organization.objects.filter(pk=office.pk)
        return [f"{name} [#{pk}]" for pk, name in qs.distinct().order_by("kind", "name").values_list("pk", "name")]


@register
class GoldenRegisterImporter(Importer):
    kind = "golden-register"
    title = "Sổ vàng: quyết định khen thưởng đã ban hành"
    description = ("Hồ sơ lưu trữ của tỉnh, bộ: các quyết định khen thưởng đã ban hành trước khi dùng hệ thống, mỗi "
                   "dòng một người hoặc tập thể được khen (số, ngày quyết định, cơ quan ban hành, hình thức, người "
                   "được khen). Quyết định của cơ quan khác được ghi là bản ghi lại.")
    sheet = "Sổ vàng"
    audit_type = "awards.award"
    item_label = "khen thưởng"
    columns = [
        TextColumn("register_no", "Số sổ vàng", max_length=32, width=12,
                   note="Số vào sổ vàng của cơ quan ban hành (nếu có), ví dụ 0012/2015.", example="0012/2015"),
        TextColumn("number", "Số quyết định", required=True, max_length=64, width=16,
                   note="Số, ký hiệu của quyết định, ví dụ 245/QĐ-UBND. Các dòng cùng số và cùng cơ quan ban hành "
                        "thuộc một quyết định.", example="245/QĐ-UBND"),
        DateColumn("signed_on", "Ngày ký", required=True, note="Ngày/tháng/năm, ví dụ 19/03/2015.",
                   example="19/03/2015"),
        AuthorityColumn("authority", "Cơ quan ban hành", required=True, width=34,
                        note="Chọn từ danh sách: tỉnh (Chủ tịch UBND tỉnh), bộ, Thủ tướng Chính phủ, Chủ tịch nước… "
                             "Quyết định của cơ quan khác được ghi là bản ghi lại, kèm tệp này làm văn bản gốc."),
        TextColumn("signer_name", "Người ký", max_length=128, width=22, note="Họ tên người ký (nếu có)."),
        TextColumn("signer_title", "Chức vụ người ký", max_length=128, width=22,
                   note="Ví dụ: Phó Chủ tịch UBND tỉnh (nếu có)."),
        AwardTypeColumn("award_type", "Hình thức khen thưởng", required=True, width=36,
                        note="Mã hoặc tên trong danh mục, ví dụ BK_TINH."),
        YearColumn("year", "Năm thành tích", required=True, note="Năm của thành tích được khen (4 chữ số)."),
        RecipientPersonColumn("citizen_id", "Số định danh cá nhân", width=17,
                              note="Cá nhân được khen: 12 chữ số; người phải có trong hệ thống, thuộc phạm vi quản lý "
                                   "của bạn. Để trống nếu khen tập thể."),
        RecipientOrganizationColumn("collective", "Tập thể được khen", width=34,
                                    note="Tập thể được khen (chọn từ danh sách). Để trống nếu khen cá nhân."),
        TextColumn("recipient_name", "Tên người/tập thể được khen", required=True, width=30,
                   note="Tên như ghi trong quyết định."),
        ChoiceColumn("basis", "Loại khen thưởng", choices=Basis.choices, list_name="LoaiKhen", width=24,
                     note="Để trống: thường xuyên (công trạng)."),
    ]
    unique_in_file = [("authority", "number", "award_type", "citizen_id"),
                      ("authority", "number", "award_type", "collective"),
                      ("authority", "register_no")]

    def refusal(self, ctx: ImportContext) -> str | None:
        if not getattr(ctx.user, "is_authenticated", False):
            return "Bạn cần đăng nhập."
        if auth.transcribing_offices(ctx.user) or auth.issuing_authorities(ctx.user).filter(
                kind__in=auth.TRANSCRIBING_KINDS).exists():
            return None
        return ("Chỉ cơ quan thi đua, khen thưởng của tỉnh, bộ mới nhập sổ vàng các quyết định đã ban hành; vai trò "
                "của bạn không có quyền này.")

    def instructions(self) -> list[str]:
        return ["Mỗi dòng một người hoặc một tập thể được khen; các dòng cùng số quyết định và cùng cơ quan ban hành "
                "là một quyết định (phải cùng ngày ký).",
                "Quyết định do chính tỉnh, bộ của bạn ban hành được ghi là quyết định của cơ quan đó. Quyết định của "
                "cơ quan khác (Chủ tịch nước, Thủ tướng Chính phủ…) khen cán bộ, tập thể của đơn vị bạn được ghi là "
                "bản ghi lại, với tệp Excel này làm văn bản gốc.",
                "Quyết định, số sổ vàng đã có trong hệ thống bị từ chối (không ghi trùng).",
                f"Tệp từ {format_number(job_min_bytes() // 1024)} KiB trở lên được kiểm tra và ghi bằng công việc chạy nền (xem tiến độ tại "
                "trang Công việc)."]

    # --- the authority and the office, once per distinct value --------------------------------------------
    def _context(self, ctx: ImportContext) -> dict:
        if "_register" not in ctx.cache:
            by_id = ctx.cache["authority"][0]
            authorities = {o.pk: o for group in ctx.cache["authority"][1].values() for o in group} | by_id
            paths = {pk: list(Organization.objects.filter(pk__in=o.lineage_ids()).values_list("path", flat=True))
                     for pk, o in authorities.items() if o.kind != OrganizationKind.STATE}
            offices = [(o, list(Organization.objects.filter(pk__in=o.lineage_ids()).values_list("path", flat=True)))
                       for o in auth.transcribing_offices(ctx.user)]
            types = {t.code: t for t in AwardType.objects.all()}
            ctx.cache["_register"] = {"authorities": authorities, "paths": paths, "offices": offices, "types": types,
                                      "own": {pk for pk, o in authorities.items() if auth.acts_for(ctx.user, o)}}
        return ctx.cache["_register"]

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        v = row.values
        if (v["citizen_id"] is None) == (v["collective"] is None):
            row.error(self.column("citizen_id"), "Ghi đúng một người được khen: số định danh cá nhân HOẶC tập thể.")
            return
        c = self._context(ctx)
        authority, award_type = c["authorities"][v["authority"]], c["types"][v["award_type"]]
        if v["year"] > v["signed_on"].year:
            row.error(self.column("year"), f"Năm thành tích {v['year']} sau năm ký quyết định ({v['signed_on']:%Y}).")
        if v["citizen_id"] is not None:
            person = ctx.cache["citizen_id"][v["citizen_id"]]
            unit_path, ok_kind, who = person["organization__path"], award_type.for_individual, "cá nhân"
        else:
            by_id, by_name = ctx.cache["collective"]
            org = by_id.get(v["collective"]) or next(o for group in by_name.values() for o in group
                                                     if o["pk"] == v["collective"])
            unit_path, ok_kind, who = org["path"], award_type.for_collective, "tập thể"
        if not ok_kind:
            row.error(self.column("award_type"), f"{award_type.name} không dành cho {who}.")
        if not auth.fits(authority, award_type):
            row.error(self.column("award_type"), f"{authority.name} không có thẩm quyền tặng {award_type.name}.")
        if not auth.is_valid_on(authority, v["signed_on"]):
            row.error(self.column("authority"), f"{authority.name} không còn là cơ quan có thẩm quyền vào ngày "
                                                f"{v['signed_on']:%d/%m/%Y}.")
        if authority.pk in c["own"]:
            if authority.kind != OrganizationKind.STATE and not any(unit_path.startswith(p)
                                                                    for p in c["paths"][authority.pk]):
                row.error(self.column("collective" if v["collective"] else "citizen_id"),
                          f"Người, tập thể được khen không thuộc phạm vi khen thưởng của {authority.name}.")
            v["office"] = None
        else:
            office = next((o for o, paths in c["offices"] if any(unit_path.startswith(p) for p in paths)), None)
            if office is None:
                row.error(self.column("authority"), f"Quyết định của {authority.name} chỉ được ghi lại cho cán bộ, "
                                                    f"tập thể của tỉnh, bộ mà bạn làm công tác thi đua, khen thưởng.")
            v["office"] = office.pk if office else None
        self._same_decision(row, ctx)

    def _same_decision(self, row: Row, ctx: ImportContext) -> None:
        """Rows of one decision (same authority and number) agree on its date and signer."""
        head = ctx.cache.setdefault("_decisions", {}).setdefault((row.values["authority"], row.values["number"]), row)
        for name in ("signed_on", "signer_name", "signer_title"):
            mine, theirs = row.values[name], head.values[name]
            if head is not row and mine and theirs and mine != theirs:
                def shown(x):
                    return x.strftime("%d/%m/%Y") if hasattr(x, "strftime") else x
                row.error(self.column(name), f"Quyết định số {row.values['number']} ghi "
                                             f"{self.column(name).header.lower()} “{shown(theirs)}” ở dòng {head.number}, "
                                             f"khác dòng này (“{shown(mine)}”).")

    def existing(self, keys, ctx):
        """Decisions already in the registry (the authority's own, or recorded by the user's offices), and golden-
        register numbers already used by the authority."""
        c = self._context(ctx)
        office_ids = [o.pk for o, _paths in c["offices"]]
        found = {}
        decisions = {(a, n) for a, n, *_rest in keys if len(_rest) == 2}
        numbers = {n for _a, n in decisions}
        seen = {}
        for part in chunks(sorted(numbers)):
            for d in Decision.objects.filter(number__in=part, authority_id__in={a for a, _n in decisions}).filter(
                    transcribed_by__isnull=True) | Decision.objects.filter(number__in=part, transcribed_by_id__in=office_ids):
                seen[(d.authority_id, d.number)] = d
        for key in keys:
            if len(key) == 4 and (key[0], key[1]) in seen:
                d = seen[(key[0], key[1])]
                found[key] = (f"quyết định số {d.number} của {c['authorities'][key[0]].name} ngày "
                              f"{d.signed_on:%d/%m/%Y} đã có trong sổ" + (" (bản ghi lại)" if d.transcribed_by_id else ""))
        registers = {(a, r) for a, r, *_rest in [k for k in keys if len(k) == 2]}
        for part in chunks(sorted({r for _a, r in registers})):
            for a, r in Award.objects.filter(register_no__in=part).values_list("decision__authority_id", "register_no"):
                if (a, r) in registers:
                    found[(a, r)] = f"số sổ vàng {r} của {c['authorities'][a].name} đã được dùng"
        return found

    def commit(self, rows: list[Row], ctx: ImportContext) -> int:
        c = self._context(ctx)
        groups: dict[tuple, list[Row]] = defaultdict(list)
        for r in rows:
            groups[(r.values["authority"], r.values["number"], r.values["office"])].append(r)
        source = ""
        if any(office for _a, _n, office in groups):
            stored = ctx.cache["_upload"]
            with open(stored.path, "rb") as fh:  # the register the transcriptions were copied from, kept once
                source = default_storage.save(f"decisions/so-vang/{stored.sha256[:16]}{stored.path.suffix}",
                                              File(fh, name=stored.name))
        decisions = []
        for (authority_id, number, office), group in groups.items():
            first = group[0].values
            decisions.append(Decision(authority_id=authority_id, number=number, signed_on=first["signed_on"],
                                      signer_name=first["signer_name"] or "", signer_title=first["signer_title"] or "",
                                      summary="Nhập từ sổ vàng (hồ sơ lưu trữ)", transcribed_by_id=office,
                                      source_document=source if office else ""))
        Decision.objects.bulk_create(decisions, batch_size=1000)
        if any(d.pk is None for d in decisions):  # a backend without RETURNING: read them back
            ids = {(a, n, o): pk for pk, a, n, o in Decision.objects.filter(
                number__in=[d.number for d in decisions]).values_list("pk", "authority_id", "number", "transcribed_by_id")}
            for d in decisions:
                d.pk = d.id = ids[(d.authority_id, d.number, d.transcribed_by_id)]
        people = ctx.cache["citizen_id"]
        by_id, by_name = ctx.cache["collective"]
        orgs = dict(by_id) | {o["pk"]: o for group in by_name.values() for o in group}
        units = {o.pk: o for o in Organization.objects.filter(pk__in={o for o in orgs})} if orgs else {}
        awards = []
        for decision, group in zip(decisions, groups.values(), strict=True):
            for r in group:
                v = r.values
                if v["citizen_id"] is not None:
                    p = people[v["citizen_id"]]
                    unit_id, province_id, person_id, org_id = (p["organization_id"], p["organization__province_id"],
                                                               p["pk"], None)
                    klass = RecipientClass.DIRECT_WORKER if p["is_direct_worker"] else RecipientClass.INDIVIDUAL_OTHER
                else:
                    org = units[v["collective"]]
                    unit_id, province_id, person_id, org_id = org.pk, org.province_id, None, org.pk
                    klass = RecipientClass.SMALL_COLLECTIVE if org.is_small_collective else RecipientClass.COLLECTIVE
                awards.append(Award(decision_id=decision.pk, award_type=c["types"][v["award_type"]], year=v["year"],
                                    basis=v["basis"] or Basis.MERIT, recipient_class=klass, recipient_person_id=person_id,
                                    recipient_org_id=org_id, recipient_name=v["recipient_name"], unit_id=unit_id,
                                    province_id=province_id, register_no=v["register_no"] or ""))
        done = 0
        for part in chunks(awards, 2000):
            bulk_record_awards(list(part))
            done += len(part)
            ctx.report("write", done, len(awards))
        return done
