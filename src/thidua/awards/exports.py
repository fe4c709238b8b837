"""Excel exports of award records (xlsxwriter, constant memory: rows stream to the file)."""

import io

from thidua.awards.models import Basis, RecipientClass
from thidua.lib.exports import workbook

COLUMNS = [("STT", 6), ("Năm", 7), ("Tên người/tập thể được khen", 40), ("Năm sinh", 9), ("Chức vụ", 24),
           ("Đơn vị công tác", 36), ("Đối tượng", 24), ("Hình thức", 40), ("Loại khen thưởng", 20),
           ("Số quyết định", 16), ("Ngày ký", 12), ("Cơ quan ban hành", 28), ("Tỉnh, bộ", 18), ("Số sổ vàng", 12)]


def registry_xlsx(awards, progress=None, every: int = 5_000) -> bytes:
    """The registry rows as .xlsx. `progress(done)` is called every `every` rows (a background job's progress; over
    `thidua.awards.jobs.export_job_min_rows()` rows the export runs as a job)."""
    buf = io.BytesIO()
    wb = workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("Sổ khen thưởng")
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"})
    datef = wb.add_format({"num_format": "dd/mm/yyyy"})
    for col, (title, width) in enumerate(COLUMNS):
        ws.set_column(col, col, width)
        ws.write(0, col, title, head)
    # Labels are lazy translations; xlsxwriter needs plain strings.
    classes = {value: str(label) for value, label in RecipientClass.choices}
    bases = {value: str(label) for value, label in Basis.choices}
    rows = awards.values_list("year", "recipient_name", "recipient_person__birth_year", "recipient_person__position",
                              "unit__name", "recipient_class", "award_type__name", "basis", "decision__number",
                              "decision__signed_on", "decision__authority__name", "province__name", "register_no")
    n = 0
    for n, (year, name, born, position, unit, rclass, atype, basis, number, signed, authority, province,
            register_no) in enumerate(rows.iterator(2000), start=1):
        ws.write_number(n, 0, n)
        ws.write_number(n, 1, year)
        ws.write_string(n, 2, name)
        if born:
            ws.write_number(n, 3, born)
        ws.write_string(n, 4, position or "")
        ws.write_string(n, 5, unit)
        ws.write_string(n, 6, classes.get(rclass, rclass))
        ws.write_string(n, 7, atype)
        ws.write_string(n, 8, bases.get(basis, basis))
        ws.write_string(n, 9, number)
        ws.write_datetime(n, 10, signed, datef)
        ws.write_string(n, 11, authority)
        ws.write_string(n, 12, province)
        ws.write_string(n, 13, register_no)
        if progress and n % every == 0:
            progress(n)
    ws.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()



