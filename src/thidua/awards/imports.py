"""Excel import of yearly ratings (đánh giá, xếp loại), on the framework of thidua.lib.imports.

The rules are those of `awards.services.record_evaluation`: the person (found by citizen ID) belongs to an
organisation the user may edit, the year is between 1945 and this year, the rating is one of HTXS/HTT/HT/KHT.
An optional "Nghỉ thai sản" column (Có/Không) sets the year's maternity flag, which keeps a run of years alive in
the eligibility rules. A person-year rated twice in the file, or already rated in the registry, is refused (correct a rating one by one
on the personal record page, where the change is audited with its before/after). Two lookups per 900 citizen IDs,
one bulk_create per 2.000 rows.

A dossier-items importer plugs in the same way (see the README, "Nhập Excel"): a class with its columns
(AwardTypeColumn, OrganizationColumn, CitizenIdColumn…), `unique_in_file`, `existing` and `commit` calling the
nominations service, registered with @register and mounted with `import_urls(kind, prefix, namespace)`.
"""

from __future__ import annotations

from thidua.awards.models import Evaluation, Rating
from thidua.lib.imports import (
    BooleanColumn,
    CellError,
    ChoiceColumn,
    ImportContext,
    Importer,
    Row,
    TextColumn,
    YearColumn,
    chunks,
    register,
)
from thidua.lib.text import fold
from thidua.orgs.import_columns import CitizenIdColumn
from thidua.orgs.models import Person


class PersonColumn(CitizenIdColumn):
    """A person already in the registry, by citizen ID, inside the user's editing scope (value: the citizen ID)."""

    def prepare(self, values, ctx):
        ids = sorted({self.normalize(v) for v in values})
        people = {}
        for part in chunks(ids):
            for row in Person.objects.filter(citizen_id__in=part).values(
                    "pk", "citizen_id", "full_name", "name_folded", "organization__path", "organization__name"):
                people[row["citizen_id"]] = row
        ctx.cache[self.key] = people

    def parse(self, value, ctx):
        cid = super().parse(value, ctx)
        person = ctx.cache[self.key].get(cid)
        if person is None:
            raise CellError(f"Không có cá nhân nào mang số định danh {cid} trong hệ thống "
                            "(nhập danh sách cá nhân trước).")
        if not ctx.can_edit_path(person["organization__path"]):
            raise CellError(f"Cá nhân mang số định danh {cid} thuộc đơn vị ngoài phạm vi quản lý của bạn.")
        return cid


@register
class RatingImporter(Importer):
    kind = "ratings"
    title = "Xếp loại hằng năm"
    description = ("Kết quả đánh giá, xếp loại hằng năm của cá nhân (HTXS, HTT, HT, KHT), căn cứ để xét danh hiệu "
                   "thi đua: số định danh, năm, xếp loại.")
    sheet = "Xếp loại"
    audit_type = "awards.evaluation"
    item_label = "xếp loại"
    columns = [
        PersonColumn("citizen_id", "Số định danh cá nhân", required=True, width=17,
                     note="12 chữ số; người phải có trong hệ thống và thuộc đơn vị trong phạm vi quản lý của bạn.",
                     example="004185012345"),
        TextColumn("full_name", "Họ và tên", max_length=128, width=28,
                   note="Để đối chiếu: nếu ghi, phải khớp họ tên trong hệ thống (không phân biệt dấu, hoa thường)."),
        YearColumn("year", "Năm", required=True, note="Năm được đánh giá (4 chữ số).", example=2024),
        ChoiceColumn("rating", "Xếp loại", choices=Rating.choices, list_name="XepLoai", show_code=True,
                     required=True, width=40, note="HTXS, HTT, HT hoặc KHT (chọn từ danh sách).", example="HTT"),
        BooleanColumn("on_maternity_leave", "Nghỉ thai sản", width=14,
                      note=("“Có” nếu người này nghỉ chế độ thai sản trong năm: thời gian nghỉ thai sản được tính "
                            "là thời gian công tác để xét danh hiệu (Nghị định 98/2023/NĐ-CP, Điều 4; Nghị định "
                            "152/2025/NĐ-CP, Điều 4). Để trống là “Không”."),
                      example="Không"),
    ]
    unique_in_file = [("citizen_id", "year")]

    def instructions(self) -> list[str]:
        return ["Mỗi người, mỗi năm một dòng. Người đã có xếp loại của năm đó thì sửa tại trang hồ sơ cá nhân "
                "(mỗi lần sửa được ghi nhật ký)."]

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        name = row.values.get("full_name")
        person = ctx.cache["citizen_id"][row.values["citizen_id"]]
        if name and fold(name) != person["name_folded"]:
            row.error(self.column("full_name"), f"Họ tên “{name}” không khớp với số định danh {row.values['citizen_id']} "
                                                f"(trong hệ thống: “{person['full_name']}”).")

    def existing(self, keys, ctx):
        people = ctx.cache["citizen_id"]
        wanted = set(keys)
        by_pk = {people[cid]["pk"]: cid for cid, _year in keys}
        labels = dict(Rating.choices)
        found = {}
        for part in chunks(sorted(by_pk)):
            for pk, year, rating in Evaluation.objects.filter(person_id__in=part).values_list("person_id", "year", "rating"):
                key = (by_pk[pk], year)
                if key in wanted:
                    found[key] = (f"{people[by_pk[pk]]['full_name']} đã có xếp loại năm {year}: "
                                  f"{labels.get(rating, rating)} (sửa tại trang hồ sơ cá nhân)")
        return found

    def commit(self, rows: list[Row], ctx: ImportContext) -> int:
        people = ctx.cache["citizen_id"]
        evaluations = [Evaluation(person_id=people[r.values["citizen_id"]]["pk"], year=r.values["year"],
                                  rating=r.values["rating"],
                                  on_maternity_leave=bool(r.values.get("on_maternity_leave")))
                       for r in rows]
        done = 0
        for part in chunks(evaluations, 2000):
            Evaluation.objects.bulk_create(list(part))
            done += len(part)
            ctx.report("write", done, len(evaluations))
        return done


from thidua.awards import golden_register  # noqa: E402, F401  (registers the golden-register importer)
