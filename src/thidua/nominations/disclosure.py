"""Public disclosure of a dossier's nominees before the council meets: publish, comment, handle.

- `publish(user, dossier)`: the handling office (the roles that send a dossier to its council) publishes the
  nominees the policy requires (nominations.disclosure_policy) from today for the policy's working days; publishing
  again replaces the window (a nominee added later must be published too). Audited, and a dossier event.
- `comment(disclosure, …)`: anyone, without an account, while the window is open: a name, a contact, the text,
  optionally which nominee. Sanitised (control characters dropped, whitespace collapsed, lengths capped); the
  public pages and API that call it are throttled per client address like certificate verification.
- `handle(user, comment, status, reply)`: the office accepts, explains or rejects, with a reply text. Audited, and a
  dossier event, so the handling is part of the dossier's history; the council sees it on the session page.
- `public_view(disclosure)`: what the public sees — name, unit, proposed award; nothing else.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from thidua.awards.models import AwardType
from thidua.core import audit, refusals
from thidua.nominations.disclosure_policy import (
    LAW_BASIS,
    LAW_REPORT_GROUPS,
    LAW_WORKING_DAYS,
    policy_for,
    required_items,
)
from thidua.nominations.models import CommentStatus, Disclosure, DisclosureComment, DisclosurePolicy, Dossier
from thidua.nominations.services import _authorise, _event, workflow
from thidua.nominations.workdays import Calendar, add_working_days

PUBLISH_STATES = ("received", "appraisal", "council")
LIMITS = {"author_name": 128, "contact": 255, "body": 4000}


def _roles():
    return workflow().transitions["to_council"].roles


def clean_text(value: str, limit: int, *, multiline: bool = False) -> str:
    """Drop control and format characters (keeping newlines in a multi-line text), collapse spaces, cap length."""
    text = unicodedata.normalize("NFC", str(value or ""))
    kept = []
    for ch in text:
        if ch == "\n" and multiline:
            kept.append(ch)
        elif unicodedata.category(ch)[0] == "C":
            kept.append(" ")
        else:
            kept.append(ch)
    text = "".join(kept)
    if multiline:
        text = "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    else:
        text = re.sub(r"\s+", " ", text).strip()
    return text[:limit]


def closes_on(opens_on: date, working_days: int, calendar: Calendar | None = None) -> date:
    """The last day comments are taken: `working_days` working days counting the opening day if it is one."""
    calendar = calendar or Calendar.from_db()
    first = opens_on if calendar.is_working_day(opens_on) else calendar.next_working_day(opens_on)
    return add_working_days(first, working_days - 1, calendar) if working_days > 1 else first


def publish(user, dossier: Dossier, *, today: date | None = None) -> Disclosure:
    today = today or timezone.localdate()
    with refusals.service(user=user, on=dossier):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().select_related("handler").get(pk=dossier.pk)
            org, _role = _authorise(user, d, "handler", _roles(), "Công khai danh sách đề nghị")
            if d.state not in PUBLISH_STATES:
                raise ValidationError(f"Công khai danh sách: hồ sơ đang ở trạng thái “{d.state_label}”; chỉ công khai "
                                      "khi cơ quan đã tiếp nhận và trước khi Hội đồng họp.")
            items = required_items(d)
            if not items:
                raise ValidationError("Công khai danh sách: hồ sơ không có người, tập thể nào thuộc hình thức phải "
                                      "công khai lấy ý kiến.")
            policy = policy_for(d)
            last = closes_on(today, policy.working_days)
            existing = Disclosure.objects.filter(dossier=d).first()
            before = audit.snapshot(existing) if existing else None
            if existing is None:
                disclosure = Disclosure.objects.create(
                    dossier=d, token=secrets.token_urlsafe(12), opens_on=today, closes_on=last,
                    working_days=policy.working_days, item_ids=[i.pk for i in items],
                    published_by=user if getattr(user, "pk", None) else None)
            else:
                disclosure = existing
                disclosure.opens_on, disclosure.closes_on = today, last
                disclosure.working_days, disclosure.item_ids = policy.working_days, [i.pk for i in items]
                disclosure.save(update_fields=["opens_on", "closes_on", "working_days", "item_ids"])
            _event(d, user, org, "disclose", d.state, d.state,
                   f"Công khai {len(items)} người, tập thể lấy ý kiến từ {today:%d/%m/%Y} đến hết {last:%d/%m/%Y}")
            audit.record("change" if existing else "create", disclosure, before=before,
                         after=audit.snapshot(disclosure), user=user)
    return disclosure


@dataclass(frozen=True)
class PublicNominee:
    id: int
    name: str
    unit: str
    award: str


def public_nominees(disclosure: Disclosure) -> list[PublicNominee]:
    """Name, unit and proposed award: nothing else about a person is shown to the public."""
    items = disclosure.dossier.items.filter(pk__in=disclosure.item_ids).select_related(
        "award_type", "lowered_to", "person__organization", "organization__parent", "household")
    out = []
    for i in items.order_by("position", "pk"):
        if i.person_id:
            unit = i.person.organization.name
        elif i.organization_id:
            unit = i.organization.parent.name if i.organization.parent_id else ""
        else:
            unit = ""
        out.append(PublicNominee(i.pk, i.recipient_name, unit, i.final_award_type.name))
    return out


def is_open(disclosure: Disclosure, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return disclosure.opens_on <= today <= disclosure.closes_on


def comment(disclosure: Disclosure, *, author_name: str, contact: str, body: str, item_id: int | None = None,
            today: date | None = None) -> DisclosureComment:
    """A comment from the public. Refusals (closed window, empty fields, unknown nominee) change nothing."""
    with refusals.service():
        with transaction.atomic():
            if not is_open(disclosure, today):
                raise ValidationError(f"Đã hết thời hạn nhận ý kiến (đến hết ngày {disclosure.closes_on:%d/%m/%Y}).")
            values = {"author_name": clean_text(author_name, LIMITS["author_name"]),
                      "contact": clean_text(contact, LIMITS["contact"]),
                      "body": clean_text(body, LIMITS["body"], multiline=True)}
            empty = [label for key, label in (("author_name", "họ và tên"), ("contact", "địa chỉ liên hệ"),
                                              ("body", "nội dung ý kiến")) if not values[key]]
            if empty:
                raise ValidationError(f"Góp ý: cần ghi {', '.join(empty)}.")
            if item_id is not None and item_id not in disclosure.item_ids:
                raise ValidationError("Góp ý: người, tập thể được chọn không có trong danh sách công khai.")
            c = DisclosureComment.objects.create(disclosure=disclosure, item_id=item_id, **values)
            _event(disclosure.dossier, None, None, "disclosure_comment", disclosure.dossier.state,
                   disclosure.dossier.state, f"Nhận ý kiến góp ý số {c.pk}")
            audit.record("create", c, after={"disclosure": disclosure.pk, "item": item_id}, user=None)
    return c


def handle(user, c: DisclosureComment, *, status: str, reply: str) -> DisclosureComment:
    reply = clean_text(reply, 4000, multiline=True)
    with refusals.service(user=user, on=c.disclosure.dossier):
        with transaction.atomic():
            c = DisclosureComment.objects.select_for_update().select_related("disclosure__dossier").get(pk=c.pk)
            d = c.disclosure.dossier
            org, _role = _authorise(user, d, "handler", _roles(), "Xử lý ý kiến góp ý")
            if status not in (CommentStatus.ACCEPTED, CommentStatus.EXPLAINED, CommentStatus.REJECTED):
                raise ValidationError("Xử lý ý kiến: chọn tiếp thu, giải trình hoặc không tiếp thu.")
            if not reply:
                raise ValidationError("Xử lý ý kiến: cần ghi nội dung trả lời, giải trình.")
            before = audit.snapshot(c)
            c.status, c.reply, c.handled_by, c.handled_at = status, reply, user, timezone.now()
            c.save(update_fields=["status", "reply", "handled_by", "handled_at"])
            _event(d, user, org, "disclosure_handle", d.state, d.state,
                   f"Ý kiến số {c.pk}: {CommentStatus(status).label}. {reply}"[:1000])
            audit.record("change", c, before=before, after=audit.snapshot(c), user=user)
    return c


def set_policy(user, dossier: Dossier, *, award_codes: list[str] | None, working_days: int) -> None:
    """The handling office sets which award types it publishes for comments (None: the law's list) and for how
    many working days (at least the law's 10). Audited; a refusal changes nothing."""
    with refusals.service(user=user, on=dossier):
        with transaction.atomic():
            d = Dossier.objects.select_related("handler").get(pk=dossier.pk)
            _authorise(user, d, "handler", _roles(), "Quy định công khai danh sách đề nghị")
            if working_days < LAW_WORKING_DAYS or working_days > 60:
                raise ValidationError(f"Số ngày làm việc lấy ý kiến: từ {LAW_WORKING_DAYS} (mức tối thiểu theo "
                                      "Nghị định 98/2023/NĐ-CP, Điều 46.2) đến 60.")
            row = DisclosurePolicy.objects.filter(organization=d.handler).first()
            before = audit.snapshot(row) if row else None
            if award_codes is None:
                if row is not None and working_days == LAW_WORKING_DAYS:
                    row.delete()
                    audit.record("delete", row, before=before, user=user)
                    return
                codes = sorted(AwardType.objects.filter(report_group__in=LAW_REPORT_GROUPS)
                               .values_list("code", flat=True))
            else:
                unknown = set(award_codes) - set(AwardType.objects.filter(code__in=award_codes)
                                                 .values_list("code", flat=True))
                if unknown:
                    raise ValidationError(f"Mã hình thức không có trong danh mục: {', '.join(sorted(unknown))}.")
                codes = sorted(set(award_codes))
            row, created = DisclosurePolicy.objects.update_or_create(
                organization=d.handler, defaults={"award_codes": codes, "working_days": working_days,
                                                  "basis": f"Quy định của {d.handler.name}; {LAW_BASIS}"[:255]})
            audit.record("create" if created else "change", row, before=before, after=audit.snapshot(row), user=user)
