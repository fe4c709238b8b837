"""Upload checks: type by content, size limit, empty file, safe names (no path traversal)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.lib.uploads import check_upload, safe_name


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/abs/path/Báo cáo thành tích.pdf", "Báo cáo thành tích.pdf"),
    ("..", "tep"),
    (".hidden.pdf", "hidden.pdf"),
    ("a\x00b\x1f.pdf", "ab.pdf"),
    ('x<y>:"z"|?*.pdf', "x_y_z_.pdf"),
    ("Bie\u0302n ba\u0309n.pdf", "Biên bản.pdf"),  # decomposed Vietnamese becomes NFC
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_long_names_keep_their_extension():
    assert safe_name("a" * 300 + ".pdf") == "a" * 116 + ".pdf"


def test_accepted_files_come_back_with_a_safe_name():
    pdf = SimpleUploadedFile("../../minh chứng.pdf", b"%PDF-1.7\n...")
    assert check_upload(pdf) == "minh chứng.pdf" and pdf.name == "minh chứng.pdf"
    assert check_upload(SimpleUploadedFile("bao-cao.docx", docx_bytes())) == "bao-cao.docx"


@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ\x90\x00", "loại tệp “.exe” không được chấp nhận"),
    ("khong-duoi", b"%PDF-1.4", "không có đuôi"),
    ("renamed.pdf", b"MZ\x90\x00\x03", "nội dung không phải tệp .pdf"),
    ("fake.docx", b"PK\x03\x04garbage", "bị hỏng"),
    ("empty.pdf", b"", "rỗng"),
    ("sheet.docx", None, "nội dung không phải tệp .docx"),  # a zip without word/: an .xlsx renamed
])
def test_refused_uploads_name_the_file_and_the_reason(name, content, message):
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
        content = buf.getvalue()
    with pytest.raises(ValidationError, match=message) as exc:
        check_upload(SimpleUploadedFile(name, content))
    assert safe_name(name) in exc.value.messages[0]


def test_size_limit(settings):
    settings.THIDUA_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="vượt giới hạn 1 MB"):
        check_upload(big)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_compressed_bomb_named_docx_is_refused_before_it_is_read():
    content = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>",
                         "word/media/big.bin": b"\0" * (40 * 1024 * 1024)})
    with pytest.raises(ValidationError, match="“bao-cao.docx”: tỉ lệ nén bất thường .* “bom nén”"):
        check_upload(SimpleUploadedFile("bao-cao.docx", content))


def test_too_many_zip_members_are_refused(settings):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 50
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    members.update({f"word/media/{i}.png": b"x" for i in range(60)})
    with pytest.raises(ValidationError, match="tệp nén có 62 thành phần, tối đa 50"):
        check_upload(SimpleUploadedFile("nhieu.docx", zip_bytes(members)))


@pytest.mark.parametrize("name, mimetype, ok", [
    ("bien-ban.odt", b"application/vnd.oasis.opendocument.text", True),
    ("bien-ban.odt", b"application/vnd.oasis.opendocument.spreadsheet", False),
    ("bang.ods", b"application/vnd.oasis.opendocument.spreadsheet", True),
])
def test_opendocument_is_recognised_by_its_mimetype_member(name, mimetype, ok):
    upload = SimpleUploadedFile(name, zip_bytes({"mimetype": mimetype, "content.xml": b"<office:document/>"}))
    if ok:
        assert check_upload(upload) == name
    else:
        with pytest.raises(ValidationError, match="nội dung không phải"):
            check_upload(upload)


def test_each_use_has_its_allowed_list():
    from thidua.lib.uploads import SPREADSHEET_TYPES

    with pytest.raises(ValidationError, match="chỉ nhận .ods, .xls, .xlsx"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7"), allowed=SPREADSHEET_TYPES)
