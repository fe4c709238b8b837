"""Excel import of a dossier's items (danh sách đề nghị), on the framework of thidua.lib.imports.

Mounted per dossier (`ho-so/<int:dossier>/nhap/`). The rules are those of `services.add_item`, checked for every
row before anything is written:
- the dossier is visible to the user (else 404) and its items may be edited by the user (the proposer, with an
  editing role, while the dossier is a draft or was returned — `workflow.json` "items_editable"); else refused;
- a person by citizen ID, known in the registry and working in the dossier's organisation (or below it); a
  collective by its organisation, inside the dossier's organisation; "Họ và tên" is checked against the person;
- an award type of the catalogue, decided by the dossier's authority and meant for that kind of recipient;
- a year (blank: the dossier's year);
- no recipient + award + year twice in the file, already in the registry (an award in force), already in this
  dossier or in another open dossier.
The rows are written through `services.add_items` (the rules of `add_item` again, positions, recipient class, one
bulk insert, one audit row per item in bulk) in the framework's single transaction: all rows or none, in a number
of queries that does not grow with the rows (lookups in chunks of 900 values).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from thidua.awards.import_columns import AwardTypeColumn
from thidua.awards.models import Award, AwardType
from thidua.lib.imports import (
    CellError,
    ImportContext,
    Importer,
    Issue,
    Row,
    StaleImport,
    TextColumn,
    YearColumn,
    chunks,
    register,
)
from thidua.lib.text import fold
from thidua.nominations import services
from thidua.nominations.checks import eligibility_results, missing_text
from thidua.nominations.models import ACTIVE_OUTCOMES, Dossier, DossierItem, DossierKind
from thidua.nominations.services import _authorise_edit
from thidua.nominations.workflow import workflow
from thidua.orgs.import_columns import CitizenIdColumn, OrganizationColumn
from thidua.orgs.models import Organization, Person

ACTION = "Nhập danh sách đề nghị từ Excel"


def dossier_of(ctx: ImportContext) -> Dossier:
    """The dossier of the import (one query per import, kept in the context)."""
    d = ctx.cache.get("_dossier")
    if d is None:
        d = Dossier.objects.select_related("from_org").get(pk=ctx.params["dossier"])
        ctx.cache["_dossier"] = d
    return d


class DossierPersonColumn(CitizenIdColumn):
    """A person of the registry by citizen ID, working in the dossier's organisation (value: the citizen ID)."""

    def prepare(self, values, ctx):
        ids = sorted({self.normalize(v) for v in values})
        people = {}
        for part in chunks(ids):
            for row in Person.objects.filter(citizen_id__in=part).values(
                    "pk", "citizen_id", "full_name", "name_folded", "organization_id", "organization__path",
                    "organization__name"):
                people[row["citizen_id"]] = row
        ctx.cache[self.key] = people

    def parse(self, value, ctx):
        cid = super().parse(value, ctx)
        person = ctx.cache[self.key].get(cid)
        if person is None:
            raise CellError(f"Không có cá nhân nào mang số định danh {cid} trong hệ thống "
                            "(nhập danh sách cá nhân trước).")
        d = dossier_of(ctx)
        if not person["organization__path"].startswith(d.from_org.path):
            where = (f"thuộc {person['organization__name']}" if ctx.can_edit_path(person["organization__path"])
                     else "thuộc một đơn vị khác")
            raise CellError(f"Cá nhân mang số định danh {cid} {where}, không thuộc {d.from_org.name}: đơn vị chỉ đề "
                            "nghị khen thưởng cho người của mình.")
        return cid


class DossierUnitColumn(OrganizationColumn):
    """The collective nominated (or, for a person, their unit, checked): inside the dossier's organisation."""

    def parse(self, value, ctx):
        pk = super().parse(value, ctx)
        by_id, by_name = ctx.cache[self.key]
        d = dossier_of(ctx)
        org = by_id.get(pk) or next(o for rows in by_name.values() for o in rows if o["pk"] == pk)
        if not org["path"].startswith(d.from_org.path):
            raise CellError(f"Đơn vị “{org['name']}” không thuộc {d.from_org.name}: đơn vị chỉ đề nghị khen thưởng "
                            "cho tập thể của mình.")
        return pk

    def choices(self, ctx):
        d = dossier_of(ctx)
        qs = (Organization.objects.filter(path__startswith=d.from_org.path).valid_on(ctx.today)
              .order_by("path").values_list("pk", "name")[: self.LIST_LIMIT])
        return [f"{name} [#{pk}]" for pk, name in qs]


class DossierAwardTypeColumn(AwardTypeColumn):
    def choices(self, ctx):
        d = dossier_of(ctx)
        return [f"{code} — {name}" for code, name in AwardType.objects.filter(granted_by=d.granted_by)
                .order_by("-rank", "code").values_list("code", "name")]


@register
class DossierItemImporter(Importer):
    kind = "dossier-items"
    title = "Danh sách đề nghị"
    description = ("Người và tập thể đề nghị khen thưởng trong một hồ sơ: số định danh (cá nhân) hoặc đơn vị "
                   "(tập thể), hình thức, năm, tóm tắt thành tích.")
    sheet = "Danh sách"
    word_tables = True  # units send their proposals as a Word letter with a table of names
    audit_type = "nominations.dossieritem"
    item_label = "mục đề nghị"
    columns = [
        TextColumn("name", "Họ và tên", max_length=255, width=28,
                   note="Để đối chiếu: nếu ghi cho cá nhân, phải khớp họ tên trong hệ thống (không phân biệt dấu, "
                        "hoa thường).", example="Nguyễn Thị Lan",
                   aliases=("Họ tên", "Tên cá nhân, tập thể", "Họ và tên, tên tập thể", "Tên tập thể, cá nhân")),
        DossierPersonColumn("citizen_id", "Số định danh cá nhân", width=17,
                            note="Cá nhân: 12 chữ số; người phải có trong hệ thống và thuộc đơn vị trình hồ sơ. "
                                 "Tập thể: để trống và chọn đơn vị.", example="004185012345",
                            aliases=("Số CCCD", "CCCD", "Số căn cước công dân", "Số căn cước", "Số định danh",
                                     "Mã định danh cá nhân")),
        DossierUnitColumn("unit", "Đơn vị, tập thể", width=55,
                          note="Tập thể được đề nghị (chọn từ danh sách). Với cá nhân: để trống, hoặc ghi đơn vị "
                               "công tác của người đó để đối chiếu.",
                          aliases=("Đơn vị", "Đơn vị công tác", "Tập thể", "Tên đơn vị")),
        DossierAwardTypeColumn("award_type", "Hình thức đề nghị", required=True, width=45,
                               note="Chọn từ danh sách: hình thức thuộc thẩm quyền quyết định của hồ sơ.",
                               example="BK_TINH",
                               aliases=("Hình thức", "Hình thức khen thưởng", "Hình thức khen thưởng đề nghị",
                                        "Danh hiệu, hình thức đề nghị")),
        YearColumn("year", "Năm thành tích", note="4 chữ số; để trống là năm của hồ sơ.", example=2024,
                   aliases=("Năm",)),
        TextColumn("summary", "Tóm tắt thành tích", max_length=4000, width=60,
                   note="Tóm tắt thành tích (báo cáo thành tích đầy đủ đính kèm hồ sơ).",
                   aliases=("Thành tích", "Thành tích đạt được", "Tóm tắt thành tích đạt được")),
    ]
    unique_in_file = [("citizen_id", "award_type", "year"), ("unit", "award_type", "year")]

    def __init__(self, user, dossier):
        super().__init__(user, dossier=dossier)
        try:
            self.dossier = Dossier.objects.visible_to(user).select_related("from_org").get(pk=dossier)
        except Dossier.DoesNotExist:
            raise Http404 from None
        d = self.dossier
        self.description = (f"Hồ sơ #{d.pk}: {d.title} ({d.from_org.name}, năm {d.year}). " + type(self).description)

    def instructions(self) -> list[str]:
        d = self.dossier
        return [f"Hồ sơ #{d.pk}: {d.title} ({d.from_org.name}).",
                "Mỗi người hoặc tập thể, mỗi hình thức một dòng. Cá nhân: ghi số định danh; tập thể: để trống số "
                "định danh và chọn đơn vị.",
                "Không nhận: người, tập thể ngoài đơn vị trình hồ sơ; hình thức không thuộc thẩm quyền của hồ sơ; "
                "trùng trong tệp, đã được khen cùng hình thức cùng năm, hoặc đang được đề nghị trong hồ sơ này hay "
                "một hồ sơ khác đang xét."]

    # --- hooks ---------------------------------------------------------------------------------------------
    def refusal(self, ctx: ImportContext) -> str | None:
        ctx.cache["_dossier"] = self.dossier
        try:
            _authorise_edit(self.user, self.dossier, ACTION)
        except (PermissionDenied, ValidationError) as exc:
            return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return None

    def _types(self, ctx: ImportContext) -> dict[str, AwardType]:
        types = ctx.cache.get("_types")
        if types is None:
            types = ctx.cache["_types"] = {t.code: t for t in AwardType.objects.all()}
        return types

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        d = self.dossier
        v = row.values
        if v["year"] is None:
            v["year"] = d.year
        award_type = self._types(ctx)[v["award_type"]]
        if award_type.granted_by != d.granted_by:
            row.error(self.column("award_type"), f"{award_type.name} do {award_type.get_granted_by_display()} quyết "
                                                 f"định; hồ sơ này trình {d.get_granted_by_display()}.")
        if v["citizen_id"]:
            person = ctx.cache["citizen_id"][v["citizen_id"]]
            if v["name"] and fold(v["name"]) != person["name_folded"]:
                row.error(self.column("name"), f"Họ tên “{v['name']}” không khớp với số định danh {v['citizen_id']} "
                                               f"(trong hệ thống: “{person['full_name']}”).")
            if v["unit"] is not None and v["unit"] != person["organization_id"]:
                row.error(self.column("unit"), f"{person['full_name']} công tác tại {person['organization__name']}, "
                                               "không phải đơn vị ghi ở dòng này.")
            v["unit"] = None  # a person's row is keyed by the citizen ID, not by the unit
            if not award_type.for_individual:
                row.error(self.column("award_type"), f"{award_type.name} không dành cho cá nhân.")
        elif v["unit"] is not None:
            if not award_type.for_collective:
                row.error(self.column("award_type"), f"{award_type.name} không dành cho tập thể.")
        else:
            row.error(self.column("citizen_id"), "Cần số định danh (cá nhân) hoặc đơn vị (tập thể).")

    def existing(self, keys, ctx):
        """Keys already awarded (in force), already in this dossier, or proposed in another open dossier."""
        types = self._types(ctx)
        type_ids = {types[code].pk: code for _r, code, _y in keys}
        years = {y for _r, _c, y in keys}
        wanted = set(keys)
        individual = isinstance(keys[0][0], str)
        if individual:
            people = ctx.cache["citizen_id"]
            by_pk = {people[cid]["pk"]: cid for cid, _c, _y in keys}
        else:
            by_pk = {pk: pk for pk, _c, _y in keys}
        found: dict[tuple, str] = {}
        award_field = "recipient_person_id" if individual else "recipient_org_id"
        item_field = "person_id" if individual else "organization_id"
        for part in chunks(sorted(by_pk)):
            awards = (Award.objects.in_force().filter(**{f"{award_field}__in": part}, award_type_id__in=type_ids,
                                                      year__in=years)
                      .values_list(award_field, "award_type_id", "year", "decision__number", "decision__signed_on"))
            for pk, type_id, year, number, signed_on in awards:
                key = (by_pk[pk], type_ids[type_id], year)
                if key in wanted:
                    found.setdefault(key, f"đã được khen {type_ids[type_id]} năm {year} theo quyết định số {number} "
                                          f"ngày {signed_on:%d/%m/%Y} (một thành tích chỉ khen một lần)")
            items = (DossierItem.objects.filter(**{f"{item_field}__in": part}, year__in=years,
                                                outcome__in=ACTIVE_OUTCOMES)
                     .filter(Q(award_type_id__in=type_ids) | Q(lowered_to_id__in=type_ids))
                     .filter(Q(dossier=self.dossier) | ~Q(dossier__state__in=[*workflow().terminal_states, "draft",
                                                                              "decided"]))
                     .values_list(item_field, "award_type_id", "lowered_to_id", "outcome", "year", "dossier_id",
                                  "dossier__title"))
            for pk, type_id, lowered_id, outcome, year, dossier_id, title in items:
                final = lowered_id if outcome == "lowered" and lowered_id else type_id
                if final not in type_ids:
                    continue
                key = (by_pk[pk], type_ids[final], year)
                if key not in wanted:
                    continue
                if dossier_id == self.dossier.pk:
                    found.setdefault(key, f"đã có trong danh sách của hồ sơ này ({type_ids[final]} năm {year})")
                else:
                    found.setdefault(key, f"đang được đề nghị {type_ids[final]} năm {year} trong hồ sơ #{dossier_id} "
                                          f"({title})")
        return found

    def notes(self, rows: list[Row], ctx: ImportContext) -> list[Issue]:
        """Eligibility warnings for a merit dossier, from the same function as the dossier's checks: the rows can
        still be written (the office decides, with a recorded reason, as for items added one by one)."""
        if self.dossier.kind != DossierKind.MERIT:
            return []
        people = ctx.cache["citizen_id"]

        def key(r: Row) -> tuple:
            v = r.values
            person = people[v["citizen_id"]]["pk"] if v["citizen_id"] else None
            return (person, None if person else v["unit"], v["award_type"], v["year"])

        results = eligibility_results(self.dossier, [key(r) for r in rows])
        column = self.column("award_type").header
        return [Issue(r.number, column, missing_text(res, r.values["year"]))
                for r in rows if (res := results.get(key(r))) is not None and res.rule is not None and not res.eligible]

    def commit(self, rows: list[Row], ctx: ImportContext) -> int:
        """All rows through `services.add_items`: a few queries whatever the number of rows (the people and
        collectives loaded in chunks, one bulk insert, the audit rows in bulk)."""
        types = self._types(ctx)
        people_ids = [ctx.cache["citizen_id"][r.values["citizen_id"]]["pk"] for r in rows if r.values["citizen_id"]]
        people = Person.objects.select_related("organization").in_bulk(people_ids)
        orgs = Organization.objects.in_bulk([r.values["unit"] for r in rows if not r.values["citizen_id"]])
        entries = []
        for r in rows:
            v = r.values
            person = people[ctx.cache["citizen_id"][v["citizen_id"]]["pk"]] if v["citizen_id"] else None
            entries.append(services.NewItem(types[v["award_type"]], person=person,
                                            organization=None if person else orgs[v["unit"]], year=v["year"],
                                            achievement=v["summary"] or ""))
        try:
            items = services.add_items(self.user, self.dossier, entries, action=ACTION)
        except (PermissionDenied, ValidationError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            where = f"dòng {rows[exc.index].number}" if getattr(exc, "index", None) is not None else "tệp"
            raise StaleImport(f"Chưa ghi dòng nào: {where} bị từ chối khi ghi ({text}).") from None
        ctx.report("write", len(items), len(rows))
        return len(items)
