"""Pages of the nomination path: inbox, list, dossier (items, checks, timeline, actions), forms, council
sessions, decisions, certificates and the public verification page. Views read through `visible_to`
(outside the scope → 404) and write only through nominations.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from thidua.awards import authority as authority_rules
from thidua.awards.models import Award, AwardType
from thidua.core import refusals
from thidua.core.audit import history
from thidua.core.throttle import refuse_if_throttled
from thidua.lib.documents import attachment_disposition, document_response
from thidua.lib.text import fold
from thidua.nominations import certificates, councils, documents, services
from thidua.nominations.checks import check_dossier
from thidua.nominations.forms import (
    AttachmentForm,
    CouncilMemberForm,
    CouncilOfficersForm,
    DecisionForm,
    DossierFilterForm,
    DossierForm,
    ItemForm,
    RevokeForm,
    SessionEndForm,
    SessionForm,
    recipient_label,
    search_recipients,
)
from thidua.nominations.models import (
    Attachment,
    Certificate,
    Council,
    CouncilSession,
    Disclosure,
    DisclosureComment,
    Dossier,
    ItemOutcome,
    SessionStatus,
)
from thidua.nominations.prize import decision_prizes
from thidua.nominations.workdays import Calendar
from thidua.nominations.workflow import council_rules, workflow


def _dossier(request, pk) -> Dossier:
    return get_object_or_404(Dossier.objects.visible_to(request.user).select_related(
        "from_org", "handler", "authority", "decision", "movement"), pk=pk)


@login_required
def inbox(request):
    return render(request, "nominations/inbox.html", {
        "rows": services.inbox(request.user), "sessions": services.open_sessions_for(request.user),
        "manages_councils": councils.is_manager(request.user)})


SORT_FIELDS = {"created": "created_at", "-created": "-created_at", "year": "year", "-year": "-year", "state": "state",
               "from": "from_org__name"}


@login_required
def dossier_list(request):
    form = DossierFilterForm(request.GET or None)
    qs = Dossier.objects.visible_to(request.user).select_related("from_org", "handler", "authority")
    sort = "-created"
    if form.is_valid():
        f = form.cleaned_data
        for word in fold(f["q"] or "").split():  # diacritics ignored: "bang khen" finds "Bằng khen"
            qs = qs.filter(title_folded__contains=word)
        if f["state"]:
            qs = qs.filter(state=f["state"])
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        if f["year"]:
            qs = qs.filter(year=f["year"])
        sort = f["sort"] or sort
    qs = qs.annotate(n_items=Count("items")).order_by(SORT_FIELDS.get(sort, "-created_at"), "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    calendar = Calendar.from_db()
    rows = [(d, services.dossier_deadline(d, calendar)) for d in page.object_list]
    return render(request, "nominations/list.html", {"form": form, "page": page, "rows": rows, "sort": sort})


@login_required
def dossier_create(request):
    form = DossierForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            d = services.create_dossier(request.user, from_org=f["from_org"], granted_by=f["granted_by"], kind=f["kind"],
                                        movement=f["movement"], year=f["year"], title=f["title"],
                                        letter_number=f["letter_number"])
        except (PermissionDenied, ValidationError) as exc:
            refusals.show(request, exc)
        else:
            messages.success(request, f"Đã tạo hồ sơ #{d.pk}; thêm người, tập thể được đề nghị rồi gửi.")
            return redirect("nominations:detail", d.pk)
    if not form.fields["from_org"].queryset.exists():
        messages.info(request, "Tài khoản của bạn không lập được hồ sơ đề nghị (cần vai trò cán bộ đơn vị hoặc "
                               "cơ quan TĐKT).")
    return render(request, "nominations/form.html", {"form": form, "title": "Lập hồ sơ đề nghị khen thưởng",
                                                     "multipart": False})


@login_required
def dossier_detail(request, pk: int):
    d = _dossier(request, pk)
    items = list(d.items.select_related("award_type", "lowered_to", "person__organization", "organization", "household",
                                        "award__certificate", "award__revocation").prefetch_related("initiatives"))
    wf = workflow()
    report = check_dossier(d, items) if d.state not in (*wf.terminal_states, "decided") else None
    _, _, thresholds = council_rules()
    context = {
        "d": d, "items": items, "report": report,
        "rows": [(i, report.items[i.pk] if report else None) for i in items],
        "events": d.events.select_related("item", "organization").order_by("at", "pk"),
        "steps": d.steps.select_related("organization").order_by("position"),
        "attachments": d.attachments.select_related("item").order_by("kind", "pk"),
        "transitions": services.allowed_transitions(request.user, d),
        "can_edit": services.can_edit_items(request.user, d),
        "can_outcome": services.can_set_outcomes(request.user, d),
        "deadline": services.dossier_deadline(d),
        "sessions": d.council_sessions.select_related("council").order_by("-pk"),
        "needs_vote": sorted({i.final_award_type.code for i in items if i.final_award_type.code in thresholds}),
        "prizes": decision_prizes(d.decision) if d.decision_id else None,
        "outcomes": ItemOutcome.choices,
        "attachment_form": AttachmentForm(),
        "session_form": SessionForm(),
        "lower_choices": _lower_choices(d),
    }
    if context["prizes"]:
        context["prize_total"] = sum(p.paid for p in context["prizes"])
    return render(request, "nominations/detail.html", context)


def _lower_choices(d: Dossier) -> list:
    return list(AwardType.objects.filter(granted_by=d.granted_by).order_by("-rank"))


@login_required
@require_POST
def dossier_move(request, pk: int):
    d = _dossier(request, pk)
    try:
        services.move(request.user, d, request.POST.get("transition", ""), request.POST.get("reason", ""),
                      confirm=request.POST.get("confirm") == "1")
    except services.NeedsConfirmation as exc:
        # Asked on the server, not only in the page: the dossier moves only when the user confirms here.
        return render(request, "nominations/confirm_move.html", {
            "d": d, "message": refusals.message(exc), "transition": request.POST.get("transition", ""),
            "reason": request.POST.get("reason", "")}, status=409)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Hồ sơ chuyển sang: {d.state_label}.")
    return redirect("nominations:detail", d.pk)


@login_required
def item_add(request, pk: int):
    d = _dossier(request, pk)
    form = ItemForm(request.POST or None, dossier=d)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            services.add_item(request.user, d, award_type=f["award_type"], person=f["person"],
                              organization=f["organization"], household=f["household"], year=f["year"],
                              achievement=f["achievement"], recipient_class=f["recipient_class"] or None,
                              initiatives=list(f["initiatives"]))
        except (PermissionDenied, ValidationError) as exc:
            refusals.show(request, exc)
        else:
            messages.success(request, "Đã thêm vào danh sách đề nghị.")
            return redirect("nominations:detail", d.pk)
    elif request.method == "GET" and not services.can_edit_items(request.user, d):
        messages.warning(request, "Bạn không thêm được người, tập thể vào hồ sơ này (chỉ đơn vị trình, khi hồ sơ "
                                  "là nháp hoặc bị trả lại).")
    return render(request, "nominations/form.html", {"form": form, "title": f"Thêm người, tập thể đề nghị — hồ sơ #{d.pk}",
                                                     "dossier": d, "multipart": False})


@login_required
def recipient_search(request, pk: int):
    """The options of a nominee picker (htmx): people by name or citizen ID, collectives, households of the
    dossier's proposing organisation that the user may see; only for who may add nominees to the dossier."""
    d = _dossier(request, pk)
    if not services.can_edit_items(request.user, d):
        raise PermissionDenied("Bạn không thêm được người, tập thể vào hồ sơ này.")
    kind = request.GET.get("kind", "")
    if kind not in ("person", "organization", "household"):
        raise Http404
    found = search_recipients(d, request.user, kind, request.GET.get(f"{kind}_q", ""))
    return render(request, "nominations/_recipient_options.html", {
        "options": [(o.pk, recipient_label(kind, o)) for o in found], "query": request.GET.get(f"{kind}_q", "")})


@login_required
@require_POST
def item_remove(request, pk: int, item_pk: int):
    d = _dossier(request, pk)
    item = get_object_or_404(d.items, pk=item_pk)
    try:
        services.remove_item(request.user, item)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã xóa khỏi danh sách đề nghị.")
    return redirect("nominations:detail", d.pk)


@login_required
@require_POST
def item_outcome(request, pk: int, item_pk: int):
    d = _dossier(request, pk)
    item = get_object_or_404(d.items, pk=item_pk)
    lowered = request.POST.get("lowered_to")
    lowered_to = AwardType.objects.filter(pk=lowered).first() if lowered and lowered.isdigit() else None
    try:
        services.set_item_outcome(request.user, item, request.POST.get("outcome", ""), request.POST.get("reason", ""),
                                  lowered_to=lowered_to, override_reason=request.POST.get("override_reason", ""))
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã ghi kết quả cho {item.recipient_name}.")
    return redirect("nominations:detail", d.pk)


@login_required
@require_POST
def attachment_add(request, pk: int):
    d = _dossier(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, d, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"])
        except (PermissionDenied, ValidationError) as exc:
            refusals.show(request, exc)
        else:
            messages.success(request, "Đã đính kèm tài liệu.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("nominations:detail", d.pk)


@login_required
def attachment_download(request, pk: int, att_pk: int):
    d = _dossier(request, pk)
    att = get_object_or_404(Attachment.objects.filter(dossier=d), pk=att_pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    return FileResponse(handle, as_attachment=True, filename=att.original_name)


@login_required
def decision_form(request, pk: int):
    d = _dossier(request, pk)
    form = DecisionForm(request.POST or None, request.FILES or None, dossier=d)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            services.record_decision(request.user, d, number=f["number"], signed_on=f["signed_on"],
                                     signer_name=f["signer_name"], signer_title=f["signer_title"], summary=f["summary"],
                                     file=f["file"], items=list(f["items"]),
                                     overrides={i.pk: f["override_reason"] for i in form.flagged})
        except (PermissionDenied, ValidationError) as exc:
            refusals.show(request, exc)
        else:
            messages.success(request, "Đã ghi quyết định; các bản ghi khen thưởng và giấy chứng nhận đã được tạo.")
            return redirect("nominations:detail", d.pk)
    elif request.method == "GET" and "decide" not in {t.code for t in services.allowed_transitions(request.user, d)}:
        messages.warning(request, "Bạn không ghi được quyết định cho hồ sơ này lúc này (chỉ cơ quan trình ký, khi hồ sơ "
                                  "đã trình cấp có thẩm quyền quyết định).")
    return render(request, "nominations/form.html", {"form": form, "title": f"Ghi quyết định khen thưởng — hồ sơ #{d.pk}",
                                                     "dossier": d, "multipart": True})


# ---------------------------------------------------------------------------
# Council sessions
# ---------------------------------------------------------------------------


def _session(request, pk) -> CouncilSession:
    return get_object_or_404(services.sessions_visible_to(request.user).select_related("council", "dossier__handler"),
                             pk=pk)


@login_required
@require_POST
def session_open(request, pk: int):
    d = _dossier(request, pk)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ngày họp.")
        return redirect("nominations:detail", d.pk)
    try:
        s = services.open_session(request.user, d, form.cleaned_data["held_on"])
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
        return redirect("nominations:detail", d.pk)
    messages.success(request, "Đã mở phiên họp; các thành viên bỏ phiếu kín.")
    return redirect("nominations:session", s.pk)


@login_required
def session_detail(request, pk: int):
    s = _session(request, pk)
    counts = list(s.counts.select_related("item__award_type", "item__lowered_to").order_by("item__position"))
    is_member = s.council.members.filter(pk=request.user.pk).exists()
    voted = s.participations.filter(member=request.user).exists()
    try:
        services._session_authorise(request.user, s, "")
        is_office = True  # the handling office: closes the session, recounts
    except PermissionDenied:
        is_office = False
    # Only the council's secretary enters the written ballots of absent members.
    is_secretary = s.council.secretary_id is not None and s.council.secretary_id == request.user.pk
    officers = {s.council.chair_id, s.council.secretary_id} - {None}
    participants = s.participations.select_related("member", "recorded_by").order_by("member__username")
    absent = (s.council.members.exclude(pk__in=s.participations.values("member")).order_by("username")
              if is_secretary and s.status == SessionStatus.OPEN else [])
    return render(request, "nominations/session.html", {
        "s": s, "counts": counts, "is_member": is_member, "voted": voted, "is_secretary": is_secretary,
        "is_office": is_office, "can_open_papers": request.user.pk in officers and s.status == SessionStatus.CLOSED,
        "participants": participants, "absent": absent,
        "disclosure": Disclosure.objects.filter(dossier=s.dossier).first(),
        "disclosure_comments": DisclosureComment.objects.filter(disclosure__dossier=s.dossier).select_related("item"),
        "results": services.session_results(s) if s.status == SessionStatus.CLOSED else None,
        "n_in_person": sum(1 for p in participants if p.mode == "in_person"),
        "can_manage_council": councils.can_manage(request.user, s.council),
        "end_form": SessionEndForm(initial={
            "held_on": Calendar.from_db().next_working_day(max(timezone.localdate(), s.held_on))}),
    })


def _choices(request, s: CouncilSession) -> dict[int, str]:
    return {c.item_id: request.POST.get(f"item-{c.item_id}", "") for c in s.counts.all()}


@login_required
@require_POST
def session_vote(request, pk: int):
    s = _session(request, pk)
    choices = _choices(request, s)
    can_vote = (s.status == SessionStatus.OPEN and s.council.members.filter(pk=request.user.pk).exists()
                and not s.participations.filter(member=request.user).exists())
    if can_vote and request.POST.get("confirm") != "1":
        # A cast ballot cannot be changed: show it back and ask once more (a server-side step, no JS needed).
        counts = s.counts.select_related("item__award_type", "item__lowered_to").order_by("item__position")
        return render(request, "nominations/ballot_confirm.html",
                      {"s": s, "rows": [(c, choices.get(c.item_id, "")) for c in counts]})
    try:
        services.cast_ballot(request.user, s, choices)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã ghi nhận phiếu của bạn. Phiếu kín: hệ thống chỉ lưu việc bạn đã bỏ phiếu, "
                                  "không lưu bạn chọn gì.")
    return redirect("nominations:session", s.pk)


@login_required
@require_POST
def session_written(request, pk: int):
    from django.contrib.auth import get_user_model

    s = _session(request, pk)
    member = get_user_model().objects.filter(pk=request.POST.get("member") or 0).first()
    if member is None:
        messages.error(request, "Cần chọn thành viên vắng mặt.")
        return redirect("nominations:session", s.pk)
    try:
        services.record_written_ballot(request.user, s, member, _choices(request, s), paper=request.FILES.get("paper"))
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã ghi phiếu bằng văn bản của {member.get_full_name() or member.username}.")
    return redirect("nominations:session", s.pk)


@login_required
@require_POST
def session_close(request, pk: int):
    s = _session(request, pk)
    try:
        services.close_session(request.user, s)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã kết thúc phiên họp và công bố kết quả.")
    return redirect("nominations:session", s.pk)


@login_required
@require_POST
def session_end(request, pk: int):
    """Adjourn to a new date, or cancel, a session that cannot be held (no quorum…)."""
    s = _session(request, pk)
    form = SessionEndForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid() or action not in ("adjourn", "cancel"):
        messages.error(request, "Hoãn, hủy phiên họp: " + " ".join(m for msgs in form.errors.values() for m in msgs)
                       if form.errors else "Hoãn, hủy phiên họp: chọn hoãn hoặc hủy.")
        return redirect("nominations:session", s.pk)
    held_on = form.cleaned_data["held_on"] if action == "adjourn" else None
    if action == "adjourn" and held_on is None:
        messages.error(request, "Hoãn phiên họp: cần chọn ngày họp lại.")
        return redirect("nominations:session", s.pk)
    try:
        new = services.end_session_without_count(request.user, s, reason=form.cleaned_data["reason"], held_on=held_on)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
        return redirect("nominations:session", s.pk)
    if new is not None:
        messages.success(request, f"Đã hoãn phiên họp; họp lại ngày {new.held_on:%d/%m/%Y}. Các thành viên được "
                                  "thông báo.")
        return redirect("nominations:session", new.pk)
    messages.success(request, "Đã hủy phiên họp; hồ sơ vẫn chờ Hội đồng, có thể mở phiên họp mới.")
    return redirect("nominations:detail", s.dossier_id)


@login_required
@require_POST
def session_recount(request, pk: int):
    s = _session(request, pk)
    try:
        recount = services.recount_session(request.user, s)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        if recount.matches:
            messages.success(request, "Kiểm phiếu lại từ các phiếu niêm phong: khớp với kết quả đã công bố.")
        else:
            messages.error(request, "Kiểm phiếu lại: KHÔNG khớp với kết quả đã công bố; cần kiểm tra dữ liệu phiên.")
    return redirect("nominations:session", s.pk)


@login_required
def session_paper(request, pk: int, ppk: int):
    """The scan of a written ballot, unsealed for the council's chair or secretary after the close."""
    import mimetypes

    from django.http import HttpResponse

    s = _session(request, pk)
    participation = get_object_or_404(s.participations.select_related("member", "session__council"), pk=ppk)
    try:
        name, data = services.open_written_paper(request.user, participation)
    except PermissionDenied:
        raise Http404("Không có bản quét phiếu.") from None
    except ValidationError as exc:
        refusals.show(request, exc)
        return redirect("nominations:session", s.pk)
    response = HttpResponse(data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Content-Disposition"] = attachment_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------
# Certificates and verification
# ---------------------------------------------------------------------------


def verification_url(request, cert: Certificate) -> str:
    return request.build_absolute_uri(reverse("nominations:verify", args=[cert.token]))


@login_required
def certificate(request, pk: int):
    award = get_object_or_404(Award.objects.visible_to(request.user).select_related(
        "award_type", "decision__authority", "certificate", "revocation", "unit"), pk=pk)
    cert = getattr(award, "certificate", None)
    if cert is None:
        raise Http404("Khen thưởng này chưa có giấy chứng nhận.")
    url = verification_url(request, cert)
    can_revoke = not hasattr(award, "revocation") and _can_revoke(request.user, award)
    return render(request, "nominations/certificate.html", {"text": certificates.certificate_text(award),
        "award": award, "cert": cert, "url": url, "qr": certificates.qr_svg(url),
        "revoked": hasattr(award, "revocation"), "can_revoke": can_revoke, "revoke_form": RevokeForm()})


def _can_revoke(user, award) -> bool:
    """The revoke form is shown to the office of the authority that granted the award (or of its successor)."""
    from django.utils import timezone

    today = timezone.localdate()
    return bool(authority_rules.can_revoke(
        user, award, authority=authority_rules.current_authority(award.decision.authority, today)))


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    award = get_object_or_404(Award.objects.visible_to(request.user).select_related("decision__authority", "unit"), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("nominations:certificate", award.pk)
    f = form.cleaned_data
    try:
        services.revoke(request.user, award, number=f["number"], signed_on=f["signed_on"], reason=f["reason"],
                        signer_name=f["signer_name"])
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã thu hồi khen thưởng; trang xác minh hiển thị “đã thu hồi”.")
    return redirect("nominations:certificate", award.pk)


def verify(request, token: str):
    """Public (no login): the recipient's name, the award, the decision and valid/revoked — nothing more."""
    if refused := refuse_if_throttled(request, "verify"):  # per client address (settings.PUBLIC_THROTTLE_RATES)
        return refused
    result = certificates.verify(token)
    if result is None:
        return render(request, "nominations/verify_unknown.html", status=404)
    return render(request, "nominations/verify.html", {"v": result})


# ---------------------------------------------------------------------------
# Documents (Word; PDF through LibreOffice when installed, else a page saying so)
# ---------------------------------------------------------------------------


@login_required
def doc_submission_letter(request, pk: int, fmt: str):
    d = _dossier(request, pk)
    return document_response(request, lambda: documents.submission_letter_docx(d),
                             documents.filename("to-trinh", d.pk), fmt)


@login_required
def doc_decision(request, pk: int, fmt: str):
    d = _dossier(request, pk)
    if not d.decision_id:
        raise Http404("Hồ sơ chưa có quyết định.")
    return document_response(request, lambda: documents.decision_docx(d), documents.filename("quyet-dinh", d.pk), fmt)


@login_required
def doc_vote_minutes(request, pk: int, fmt: str):
    s = _session(request, pk)
    if s.status != SessionStatus.CLOSED:
        raise Http404("Biên bản kiểm phiếu có khi phiên họp kết thúc.")
    return document_response(request, lambda: documents.vote_minutes_docx(s),
                             documents.filename("bien-ban-kiem-phieu", s.pk), fmt)


@login_required
def doc_certificate(request, pk: int, fmt: str):
    award = get_object_or_404(Award.objects.visible_to(request.user).select_related(
        "award_type", "decision__authority", "certificate", "unit"), pk=pk)
    cert = getattr(award, "certificate", None)
    if cert is None:
        raise Http404("Khen thưởng này chưa có giấy chứng nhận.")
    url = verification_url(request, cert)
    return document_response(request, lambda: documents.certificate_docx(cert, url),
                             documents.filename("giay-chung-nhan", cert.register_no.replace("/", "-")), fmt)


@login_required
def doc_achievement_report(request, pk: int, item_pk: int, fmt: str):
    """The achievement report of one item, prefilled from the records: access as for the dossier."""
    d = _dossier(request, pk)
    item = get_object_or_404(d.items.select_related(
        "dossier__movement", "award_type", "lowered_to", "person__organization__parent", "organization__parent",
        "household__organization", "award"), pk=item_pk)
    return document_response(request, lambda: documents.achievement_report_docx(item),
                             documents.report_filename(item), fmt)


@login_required
def doc_council_minutes(request, pk: int, fmt: str):
    s = _session(request, pk)
    if s.status != SessionStatus.CLOSED:
        raise Http404("Biên bản họp Hội đồng có khi phiên họp kết thúc.")
    return document_response(request, lambda: documents.council_minutes_docx(s),
                             documents.filename("bien-ban-hop-hoi-dong", s.pk), fmt)


# ---------------------------------------------------------------------------
# Council management (the emulation office of the council's organisation; others 404)
# ---------------------------------------------------------------------------


def _council(request, pk) -> Council:
    return get_object_or_404(councils.councils_for(request.user).select_related("organization"), pk=pk)


@login_required
def council_list(request):
    if not councils.is_manager(request.user):
        raise Http404("Trang dành cho cơ quan thi đua, khen thưởng.")
    return render(request, "nominations/councils.html", {"rows": councils.overview(request.user)})


@login_required
def council_detail(request, pk: int):
    council = _council(request, pk)
    members = council.members.order_by("last_name", "first_name", "username")
    return render(request, "nominations/council.html", {
        "council": council, "members": members, "sessions": councils.sessions_of(council),
        "form": CouncilMemberForm(council=council), "officers_form": CouncilOfficersForm(council=council),
        "has_open": council.sessions.filter(status=SessionStatus.OPEN).exists(),
        "history": _council_history(council),
    })


def _council_history(council: Council):
    return history(council).filter(action__in=["change", "create"]).order_by("-at", "-pk")[:20]


@login_required
@require_POST
def council_member_add(request, pk: int):
    council = _council(request, pk)
    form = CouncilMemberForm(request.POST, council=council)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("nominations:council", council.pk)
    member = form.cleaned_data["member"]
    try:
        councils.add_member(request.user, council, member)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã thêm {member.get_full_name() or member.username} vào {council.name}.")
    return redirect("nominations:council", council.pk)


@login_required
@require_POST
def council_member_remove(request, pk: int, user_pk: int):
    council = _council(request, pk)
    member = get_object_or_404(council.members.all(), pk=user_pk)
    try:
        councils.remove_member(request.user, council, member)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã bớt {member.get_full_name() or member.username} khỏi {council.name}.")
    return redirect("nominations:council", council.pk)


@login_required
@require_POST
def council_officers(request, pk: int):
    council = _council(request, pk)
    form = CouncilOfficersForm(request.POST, council=council)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("nominations:council", council.pk)
    try:
        councils.set_officers(request.user, council, chair=form.cleaned_data["chair"],
                              secretary=form.cleaned_data["secretary"])
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã lưu Chủ tịch, Thư ký của {council.name}.")
    return redirect("nominations:council", council.pk)
