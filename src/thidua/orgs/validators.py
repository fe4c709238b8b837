"""Citizen ID (số định danh cá nhân / CCCD): 12 digits.

Layout (Thông tư 59/2021/TT-BCA): 3 digits province of birth registration,
1 digit century and sex (0/1: 20th century male/female, 2/3: 21st, ...),
2 digits year of birth, 6 random digits.
"""

from django.core.exceptions import ValidationError

# Province-of-registration codes: the 63 provinces' codes, as 3 digits.
PROVINCE_CODES = {
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
}


def century_sex_digit(birth_year: int, gender: str) -> int:
    century_index = (birth_year // 100) - 19  # 1900s → 0, 2000s → 1
    return century_index * 2 + (1 if gender == "female" else 0)


def validate_citizen_id(value: str, gender: str | None = None, birth_year: int | None = None) -> None:
    """Raise ValidationError naming what is wrong with the citizen ID."""
    if not value or len(value) != 12 or not value.isdigit():
        raise ValidationError(
            "Số định danh cá nhân phải gồm đúng 12 chữ số (nhận được: %(v)s).", params={"v": value or "trống"},
            code="citizen_id_format",
        )
    province = int(value[:3])
    if province not in PROVINCE_CODES:
        raise ValidationError(
            "Mã tỉnh nơi đăng ký khai sinh %(p)s trong số định danh không hợp lệ.", params={"p": value[:3]},
            code="citizen_id_province",
        )
    digit = int(value[3])
    if gender and birth_year:
        expected = century_sex_digit(birth_year, gender)
        if digit != expected or int(value[4:6]) != birth_year % 100:
            raise ValidationError(
                "Số định danh %(v)s không khớp giới tính/năm sinh (%(g)s, %(y)s).",
                params={"v": value, "g": "nữ" if gender == "female" else "nam", "y": birth_year},
                code="citizen_id_mismatch",
            )
