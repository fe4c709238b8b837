"""Exemplary models (điển hình tiên tiến): the four-stage pipeline and the public honours board.

Stages, in order: discovered (who proposed it, from which movement, the achievement) → nurtured (the plan, then
its follow-up) → reviewed and replicated (where, with figures) → honoured (the honours, linked to award records of
the registry). Every move goes through one function here: `check_move` is the guard (who may, in which order,
with what), `allowed_moves` the buttons a page shows and why the others are not offered; each move writes an
ExemplarEvent (the timeline) and an audit row. A refusal leaves a "denied" row and changes nothing.

The public honours board (/vinh-danh/) shows PublicHonour rows: an authority (the emulation office of the
exemplar's or award's province) publishes an honoured exemplar or an award in force, with the person's consent
recorded (who recorded it, when, the date of consent and an optional document); withdrawal keeps the row and its
history. What the public sees is copied at publication: name, unit, achievement, honours — nothing personal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from thidua.awards.models import Award
from thidua.core import audit, refusals
from thidua.emulation.models import (
    EXEMPLAR_STAGE_ORDER,
    Exemplar,
    ExemplarAttachment,
    ExemplarAttachmentKind,
    ExemplarEvent,
    ExemplarEventKind,
    ExemplarHonour,
    ExemplarReplication,
    ExemplarStage,
    Movement,
    PublicHonour,
)
from thidua.lib.text import fold
from thidua.lib.uploads import DOCUMENT_TYPES, JPEG, PNG, check_upload
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

# Photos are images; stories and documents the usual document types (PDF, Word, OpenDocument) and images.
PHOTO_TYPES = {".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
ATTACHMENT_TYPES = {**DOCUMENT_TYPES, **PHOTO_TYPES}
MANAGER_ROLES = {"emulation_office"}


@dataclass(frozen=True)
class Move:
    """A possible next move of an exemplar: allowed now or not, and why not."""

    to_stage: str
    label: str
    allowed: bool
    reason: str = ""


def stage_label(stage: str) -> str:
    return str(ExemplarStage(stage).label) if stage else ""


def may_manage(user, province: Organization) -> bool:
    """The emulation office of the province (or one it merged into) and administrators manage its exemplars."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return bool(scope.roles & MANAGER_ROLES) and scope.can_edit(province)


def _authorise(user, obj, province: Organization, what: str) -> None:
    if not may_manage(user, province):
        refusals.deny(user, obj, f"{what}: chỉ cơ quan thường trực thi đua, khen thưởng của {province.name} "
                                 "được làm việc này.", what="emulation.exemplar")


def _next_stage(stage: str) -> str | None:
    i = EXEMPLAR_STAGE_ORDER.index(stage)
    return EXEMPLAR_STAGE_ORDER[i + 1] if i + 1 < len(EXEMPLAR_STAGE_ORDER) else None


def _state_reason(ex: Exemplar, to_stage: str) -> str:
    """Why the data does not allow moving `ex` to `to_stage` now ("" when it does)."""
    if to_stage not in EXEMPLAR_STAGE_ORDER:
        return f"Giai đoạn “{to_stage}” không có."
    if _next_stage(ex.stage) != to_stage:
        return (f"Điển hình đang ở giai đoạn “{stage_label(ex.stage)}”; chỉ chuyển lần lượt sang giai đoạn kế tiếp"
                + (f" (“{stage_label(_next_stage(ex.stage))}”)." if _next_stage(ex.stage) else ": đã tôn vinh."))
    if to_stage == ExemplarStage.REPLICATED and not ex.replications.exists():
        return "Cần ghi ít nhất một nơi nhân rộng (có số liệu) trước khi tổng kết, nhân rộng."
    if to_stage == ExemplarStage.HONOURED and not ex.honours.exists():
        return "Cần ghi hình thức tôn vinh, khen thưởng (gắn với bản ghi khen thưởng) để chuyển sang tôn vinh."
    return ""


def check_move(user, ex: Exemplar, to_stage: str) -> None:
    """The guard of a move: raises Forbidden (who) or Conflict (order, missing data); changes nothing."""
    _authorise(user, ex, ex.province, "Chuyển giai đoạn điển hình")
    if reason := _state_reason(ex, to_stage):
        raise refusals.Conflict(reason)


def allowed_moves(user, ex: Exemplar) -> list[Move]:
    """The next move with whether the user may take it now, and why not (the page's button or its reason)."""
    nxt = _next_stage(ex.stage)
    if nxt is None:
        return []
    if not may_manage(user, ex.province):
        return [Move(nxt, stage_label(nxt), False, "Chỉ cơ quan thường trực thi đua, khen thưởng của tỉnh chuyển giai đoạn.")]
    reason = "" if nxt == ExemplarStage.HONOURED and ex.stage == ExemplarStage.REPLICATED else _state_reason(ex, nxt)
    return [Move(nxt, stage_label(nxt), not reason, reason)]


def _after_last_step(ex: Exemplar, on: datetime.date, what: str) -> None:
    """A step is dated on or after the previous one (the timeline reads in order)."""
    last = ex.events.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if last is not None and on < last:
        raise refusals.Conflict({"on": f"{what}: ngày {on:%d/%m/%Y} trước bước trước của điển hình ({last:%d/%m/%Y})."})


def _move(user, ex: Exemplar, to_stage: str, on: datetime.date, note: str) -> ExemplarEvent:
    _after_last_step(ex, on, stage_label(to_stage))
    before = audit.snapshot(ex, ["stage", "nurture_plan", "story"])
    event = ExemplarEvent.objects.create(exemplar=ex, kind=ExemplarEventKind.MOVE, from_stage=ex.stage,
                                         to_stage=to_stage, happened_on=on, note=note, by=_user(user))
    ex.stage = to_stage
    ex.save()
    audit.record("change", ex, before=before, after=audit.snapshot(ex, ["stage", "nurture_plan", "story"]),
                 user=user, reason=f"{stage_label(event.from_stage)} → {stage_label(to_stage)}")
    return event


def _user(user):
    return user if getattr(user, "pk", None) else None


def _today(on) -> datetime.date:
    return on or timezone.localdate()


def _not_future(on: datetime.date, what: str) -> None:
    if on > timezone.localdate():
        raise refusals.Conflict(f"{what}: ngày {on:%d/%m/%Y} chưa đến.")


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------


def discover(user, *, province: Organization, person: Person | None = None, collective: Organization | None = None,
             field: str = "", story: str, proposed_by: Organization | None = None, movement: Movement | None = None,
             on: datetime.date | None = None, note: str = "") -> Exemplar:
    """Stage 1: record a discovered model — who proposed it, from which movement, its achievement."""
    on = _today(on)
    with refusals.service(user=user, on=province):
        _authorise(user, province, province, "Ghi nhận điển hình")
        if (person is None) == (collective is None):
            raise refusals.Conflict("Điển hình là một cá nhân hoặc một tập thể (chọn đúng một).")
        subject = person.organization if person is not None else collective
        if subject is None or (subject.province_id or subject.pk) != province.pk and subject.pk != province.pk:
            raise refusals.Conflict("Cá nhân, tập thể phải thuộc tỉnh của điển hình.")
        if not story.strip():
            raise refusals.Conflict({"story": "Cần nêu thành tích nổi bật của điển hình."})
        _not_future(on, "Ngày phát hiện")
        ex = Exemplar.objects.create(person=person, collective=collective,
                                     name=person.full_name if person else collective.name, province=province,
                                     field=field.strip(), story=story.strip(), discovered_in=on.year,
                                     proposed_by=proposed_by, movement=movement)
        ExemplarEvent.objects.create(exemplar=ex, kind=ExemplarEventKind.MOVE, to_stage=ExemplarStage.DISCOVERED,
                                     happened_on=on, note=note.strip() or story.strip()[:500], by=_user(user))
        audit.record("create", ex, after=audit.snapshot(ex), user=user)
    return ex


def nurture(user, ex: Exemplar, *, plan: str, on: datetime.date | None = None) -> Exemplar:
    """Stage 2: the nurturing plan."""
    on = _today(on)
    with refusals.service(user=user, on=ex):
        check_move(user, ex, ExemplarStage.NURTURED)
        if not plan.strip():
            raise refusals.Conflict({"plan": "Cần nêu kế hoạch bồi dưỡng."})
        _not_future(on, "Ngày bồi dưỡng")
        ex.nurture_plan = plan.strip()
        _move(user, ex, ExemplarStage.NURTURED, on, plan.strip()[:500])
    return ex


def follow_up(user, ex: Exemplar, *, note: str, on: datetime.date | None = None) -> ExemplarEvent:
    """The follow-up of the nurturing plan (a timeline entry), from the nurturing stage on."""
    on = _today(on)
    with refusals.service(user=user, on=ex):
        _authorise(user, ex, ex.province, "Ghi kết quả theo dõi, bồi dưỡng")
        if ex.stage_index < EXEMPLAR_STAGE_ORDER.index(ExemplarStage.NURTURED):
            raise refusals.Conflict("Theo dõi, bồi dưỡng ghi được khi điển hình đã có kế hoạch bồi dưỡng.")
        if not note.strip():
            raise refusals.Conflict({"note": "Cần nêu nội dung theo dõi."})
        _not_future(on, "Ngày theo dõi")
        _after_last_step(ex, on, "Theo dõi, bồi dưỡng")
        event = ExemplarEvent.objects.create(exemplar=ex, kind=ExemplarEventKind.FOLLOW_UP, happened_on=on,
                                             note=note.strip(), by=_user(user))
        audit.record("create", event, after=audit.snapshot(event), user=user)
    return event


def add_replication(user, ex: Exemplar, *, place: str, year: int, units: int, participants: int, note: str = "",
                    organization: Organization | None = None) -> ExemplarReplication:
    """Where the model was replicated, with figures (from the nurturing stage on)."""
    with refusals.service(user=user, on=ex):
        _authorise(user, ex, ex.province, "Ghi nơi nhân rộng")
        if ex.stage_index < EXEMPLAR_STAGE_ORDER.index(ExemplarStage.NURTURED):
            raise refusals.Conflict("Nhân rộng ghi được khi điển hình đã qua bồi dưỡng.")
        if not place.strip():
            raise refusals.Conflict({"place": "Cần nêu nơi nhân rộng."})
        if units < 1:
            raise refusals.Conflict({"units": "Số đơn vị áp dụng phải từ 1 trở lên."})
        if participants < 0:
            raise refusals.Conflict({"participants": "Số người tham gia không được âm."})
        if not ex.discovered_in <= year <= timezone.localdate().year:
            raise refusals.Conflict({"year": f"Năm nhân rộng phải từ năm phát hiện ({ex.discovered_in}) đến nay."})
        rep = ExemplarReplication.objects.create(exemplar=ex, place=place.strip(), organization=organization,
                                                 year=year, units=units, participants=participants,
                                                 note=note.strip()[:500])
        audit.record("create", rep, after=audit.snapshot(rep), user=user)
    return rep


def replicate(user, ex: Exemplar, *, summary: str, on: datetime.date | None = None) -> Exemplar:
    """Stage 3: reviewed (summed up) and replicated — needs at least one replication with figures."""
    on = _today(on)
    with refusals.service(user=user, on=ex):
        check_move(user, ex, ExemplarStage.REPLICATED)
        if not summary.strip():
            raise refusals.Conflict({"summary": "Cần nêu kết quả tổng kết điển hình."})
        _not_future(on, "Ngày tổng kết")
        _move(user, ex, ExemplarStage.REPLICATED, on, summary.strip())
    return ex


def honour(user, ex: Exemplar, *, award: Award | None, description: str = "",
           on: datetime.date | None = None) -> ExemplarHonour:
    """Stage 4: an honour linked to an award record of the registry (in force, to this person or collective);
    the first one moves the exemplar to "honoured", later ones are added to it."""
    with refusals.service(user=user, on=ex):
        _authorise(user, ex, ex.province, "Ghi tôn vinh điển hình")
        if ex.stage not in (ExemplarStage.REPLICATED, ExemplarStage.HONOURED):
            raise refusals.Conflict(f"Điển hình đang ở giai đoạn “{stage_label(ex.stage)}”; tôn vinh sau khi đã "
                                    "tổng kết, nhân rộng.")
        if award is None:
            raise refusals.Conflict({"award": "Chọn một bản ghi khen thưởng của sổ khen thưởng."})
        on = on or award.decision.signed_on
        if not Award.objects.visible_to(user).in_force().filter(pk=award.pk).exists():
            raise refusals.Conflict({"award": "Bản ghi khen thưởng không có trong sổ của bạn hoặc đã bị thu hồi."})
        if not ((ex.person_id and award.recipient_person_id == ex.person_id)
                or (ex.collective_id and award.recipient_org_id == ex.collective_id)):
            raise refusals.Conflict({"award": f"Bản ghi khen thưởng không phải của {ex.name}."})
        if ex.honours.filter(award=award).exists():
            raise refusals.Conflict({"award": "Khen thưởng này đã được ghi cho điển hình."})
        h = ExemplarHonour.objects.create(exemplar=ex, award=award, honoured_on=on,
                                          description=(description.strip() or award.award_type.name)[:255])
        audit.record("create", h, after=audit.snapshot(h), user=user)
        if ex.stage == ExemplarStage.REPLICATED:
            _move(user, ex, ExemplarStage.HONOURED, on, f"{h.description} — {award.decision}")
    return h


def add_attachment(user, ex: Exemplar, *, kind: str, uploaded_file) -> ExemplarAttachment:
    """The story, photos and documents, through the common upload check (type by content, size, zip limits)."""
    with refusals.service(user=user, on=ex):
        _authorise(user, ex, ex.province, "Đính kèm tệp cho điển hình")
        if kind not in ExemplarAttachmentKind.values:
            raise refusals.Conflict({"kind": f"Loại tệp {kind!r} không có."})
        check_upload(uploaded_file, allowed=PHOTO_TYPES if kind == ExemplarAttachmentKind.PHOTO else ATTACHMENT_TYPES,
                     label="Ảnh" if kind == ExemplarAttachmentKind.PHOTO else "Tệp")
        att = ExemplarAttachment.objects.create(exemplar=ex, kind=kind, file=uploaded_file,
                                                original_name=uploaded_file.name[:255], size=uploaded_file.size,
                                                uploaded_by=_user(user))
        audit.record("create", att, after=audit.snapshot(att), user=user)
    return att


# ---------------------------------------------------------------------------
# The public honours board
# ---------------------------------------------------------------------------


def honours_text(ex: Exemplar) -> str:
    parts = []
    for h in ex.honours.select_related("conference", "award__decision").order_by("honoured_on", "pk"):
        when = h.honoured_on or (h.conference.held_on if h.conference else None)
        parts.append(h.description + (f" ({when:%d/%m/%Y})" if when else ""))
    return "; ".join(parts)


def _public_fields(*, exemplar: Exemplar | None, award: Award | None) -> dict:
    """What the public board shows of the subject: name, unit, achievement, honours, province, field, year."""
    if exemplar is not None:
        unit = exemplar.person.organization.name if exemplar.person_id and exemplar.person.organization_id else ""
        if exemplar.collective_id and exemplar.collective.parent_id:
            unit = exemplar.collective.parent.name
        first = exemplar.honours.exclude(honoured_on=None).order_by("honoured_on").first()
        year = first.honoured_on.year if first else exemplar.discovered_in
        return {"name": exemplar.name, "unit": unit, "achievement": exemplar.story, "honours": honours_text(exemplar),
                "province": exemplar.province, "field": exemplar.field, "year": year}
    return {"name": award.recipient_name, "unit": award.unit.name if award.unit_id != award.recipient_org_id else "",
            "achievement": "", "province": award.province, "field": "", "year": award.year,
            "honours": f"{award.award_type.name} — Quyết định số {award.decision.number} ngày "
                       f"{award.decision.signed_on:%d/%m/%Y} của {award.decision.authority.name}"}


def publish(user, *, exemplar: Exemplar | None = None, award: Award | None = None, consent_given_on: datetime.date,
            consent_document=None) -> PublicHonour:
    """Publish an honoured exemplar or an award in force on the public board, with the person's consent."""
    subject = exemplar if exemplar is not None else award
    with refusals.service(user=user, on=subject):
        if (exemplar is None) == (award is None):
            raise refusals.Conflict("Công bố một điển hình hoặc một khen thưởng (chọn đúng một).")
        province = exemplar.province if exemplar is not None else award.province
        _authorise(user, subject, province, "Công bố trên bảng vinh danh")
        if exemplar is not None and exemplar.stage != ExemplarStage.HONOURED:
            raise refusals.Conflict("Chỉ công bố điển hình đã được tôn vinh.")
        if award is not None and not Award.objects.in_force().filter(pk=award.pk).exists():
            raise refusals.Conflict("Khen thưởng đã bị thu hồi, không công bố.")
        if PublicHonour.objects.published().filter(exemplar=exemplar, award=award).exists():
            raise refusals.Conflict("Đã công bố trên bảng vinh danh.")
        if consent_given_on is None:
            raise refusals.Conflict({"consent_given_on": "Cần ghi ngày người được vinh danh đồng ý công bố."})
        _not_future(consent_given_on, "Ngày đồng ý công bố")
        if consent_document is not None:
            check_upload(consent_document, allowed=ATTACHMENT_TYPES, label="Văn bản đồng ý")
        now = timezone.now()
        fields = _public_fields(exemplar=exemplar, award=award)
        pub = PublicHonour(exemplar=exemplar, award=award, authority=scope_authority(user, province), **fields,
                           province_name=fields["province"].name, consent_given_on=consent_given_on,
                           consent_recorded_by=_user(user), consent_recorded_at=now, published_by=_user(user),
                           published_at=now, changed_at=now)
        pub.search_folded = fold(" ".join([pub.name, pub.unit, pub.achievement, pub.honours, pub.field,
                                           pub.province_name]))
        if consent_document is not None:
            pub.consent_document = consent_document
        pub.save()
        audit.record("create", pub, after=audit.snapshot(pub), user=user, reason="Công bố trên bảng vinh danh")
    return pub


def scope_authority(user, province: Organization) -> Organization:
    """The organisation publishing: the user's own organisation within the province, else the province."""
    ids = scope_for(user).org_ids
    return Organization.objects.filter(pk__in=ids, path__startswith=province.path).first() or province


def withdraw(user, pub: PublicHonour, *, reason: str) -> PublicHonour:
    """Take an entry off the public board (the row and its history stay)."""
    with refusals.service(user=user, on=pub):
        _authorise(user, pub, pub.province, "Rút khỏi bảng vinh danh")
        if pub.withdrawn_at is not None:
            raise refusals.Conflict("Mục này đã được rút khỏi bảng vinh danh.")
        if not reason.strip():
            raise refusals.Conflict({"reason": "Cần nêu lý do rút."})
        before = audit.snapshot(pub, ["withdrawn_at", "withdrawal_reason"])
        now = timezone.now()
        pub.withdrawn_at, pub.withdrawn_by, pub.withdrawal_reason, pub.changed_at = now, _user(user), reason.strip()[:500], now
        pub.save()
        audit.record("change", pub, before=before, after=audit.snapshot(pub, ["withdrawn_at", "withdrawal_reason"]),
                     user=user, reason="Rút khỏi bảng vinh danh")
    return pub
