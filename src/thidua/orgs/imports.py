"""Excel import of people (cá nhân), on the framework of thidua.lib.imports.

Each row is checked with the rules of the Person model: the citizen ID's format, province code and its match
with gender and year of birth (orgs.validators), a known organisation inside the user's editing scope and still
in force, a known ethnic group; no citizen ID twice in the file nor already in the registry. All rows are
inserted with one bulk_create per 2.000 rows (orgs.services.bulk_create_people).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from thidua.lib.imports import (
    BooleanColumn,
    ChoiceColumn,
    ImportContext,
    Importer,
    Row,
    TextColumn,
    YearColumn,
    chunks,
    register,
)
from thidua.orgs.import_columns import CitizenIdColumn, OrganizationColumn
from thidua.orgs.models import Gender, Person
from thidua.orgs.services import bulk_create_people
from thidua.orgs.validators import validate_citizen_id

# The 54 ethnic groups of Viet Nam (Danh mục các dân tộc Việt Nam, Tổng cục Thống kê), with common spellings.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Mông", "Dao", "Gia-rai", "Ngái", "Ê-đê", "Ba-na",
    "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ",
    "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì",
    "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao",
    "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm",
]
ETHNIC_ALIASES = {"H'Mông": "Mông", "Hmông": "Mông", "Mèo": "Mông", "Khmer": "Khơ-me", "Việt": "Kinh",
                  "Jrai": "Gia-rai", "Bahnar": "Ba-na", "Sedang": "Xơ-đăng", "Vân Kiều": "Bru-Vân Kiều",
                  "Sán Chỉ": "Sán Chay", "Cao Lan": "Sán Chay", "Pà Hưng": "Pà Thẻn"}


def _birth_year_max() -> int:
    return date.today().year - 15


@register
class PeopleImporter(Importer):
    kind = "people"
    title = "Danh sách cá nhân"
    description = ("Cán bộ, công chức, viên chức, người lao động của các đơn vị trong phạm vi quản lý: "
                   "họ tên, số định danh, giới tính, năm sinh, dân tộc, đơn vị, chức vụ, lao động trực tiếp.")
    sheet = "Cá nhân"
    audit_type = "orgs.person"
    item_label = "cá nhân"
    columns = [
        TextColumn("full_name", "Họ và tên", required=True, max_length=128, width=28,
                   note="Họ, chữ đệm và tên, viết có dấu.", example="Nguyễn Thị Lan"),
        CitizenIdColumn("citizen_id", "Số định danh cá nhân", required=True, width=17,
                        note="12 chữ số (căn cước công dân); phải khớp giới tính và năm sinh. Nhập dạng văn bản "
                             "để giữ số 0 ở đầu.", example="004185012345"),
        ChoiceColumn("gender", "Giới tính", choices=Gender.choices, list_name="GioiTinh", required=True, width=9,
                     note="Nam hoặc Nữ.", example="Nữ"),
        YearColumn("birth_year", "Năm sinh", minimum=1920, maximum=_birth_year_max, required=True,
                   note="4 chữ số.", example=1985),
        ChoiceColumn("ethnicity", "Dân tộc", choices=[(n, n) for n in ETHNIC_GROUPS], list_name="DanToc",
                     aliases=ETHNIC_ALIASES, width=12, note="Một trong 54 dân tộc; để trống là Kinh.", example="Tày"),
        OrganizationColumn("organization", "Đơn vị", required=True, width=55,
                           note="Chọn từ danh sách (tên kèm mã #); chỉ các đơn vị trong phạm vi quản lý của bạn."),
        TextColumn("position", "Chức vụ", max_length=128, width=22, note="Ví dụ: Chuyên viên, Trưởng phòng.",
                   example="Chuyên viên"),
        BooleanColumn("is_direct_worker", "Lao động trực tiếp", width=12,
                      note="Có: người trực tiếp lao động, sản xuất, công tác (không giữ chức vụ lãnh đạo, quản lý). "
                           "Để trống là Không.", example="Không"),
    ]
    unique_in_file = [("citizen_id",)]

    def instructions(self) -> list[str]:
        return ["Mỗi người một dòng. Số định danh cá nhân không được trùng trong tệp hay với người đã có trong hệ "
                "thống (sửa thông tin người đã có tại trang quản trị hoặc hồ sơ cá nhân)."]

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        v = row.values
        try:
            validate_citizen_id(v["citizen_id"], v["gender"], v["birth_year"])
        except ValidationError as exc:
            row.error(self.column("citizen_id"), " ".join(exc.messages))

    def existing(self, keys, ctx):
        ids = [k[0] for k in keys]
        found = {}
        for part in chunks(ids):
            rows = Person.objects.filter(citizen_id__in=part).values_list(
                "citizen_id", "full_name", "organization__name", "organization__path")
            for cid, name, org_name, path in rows:
                who = f"{name}, {org_name}" if ctx.can_edit_path(path) else "một người ngoài phạm vi quản lý của bạn"
                found[(cid,)] = f"số định danh {cid} đã được dùng ({who})"
        return found

    def commit(self, rows: list[Row], ctx: ImportContext) -> int:
        people = [Person(full_name=r.values["full_name"], citizen_id=r.values["citizen_id"], gender=r.values["gender"],
                         birth_year=r.values["birth_year"], ethnicity=r.values["ethnicity"] or "Kinh",
                         organization_id=r.values["organization"], position=r.values["position"] or "",
                         is_direct_worker=bool(r.values["is_direct_worker"]))
                  for r in rows]
        done = 0
        for part in chunks(people, 2000):
            bulk_create_people(list(part))
            done += len(part)
            ctx.report("write", done, len(people))
        return done
