"""Pages of a decision's official papers (signing, printing on blanks) and of the print layouts. A decision the
user cannot see is a 404; an action by someone who does not act for the issuing authority is refused (403) and
changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from thidua.awards import authority as authority_rules
from thidua.awards.models import Award, Decision
from thidua.core import audit
from thidua.lib.documents import document_response, xlsx_response
from thidua.orgs.models import Organization
from thidua.orgs.scope import scope_for
from thidua.papers import fund as funds
from thidua.papers import printing, services, signing
from thidua.papers.forms import FundPaymentForm, FundSourceForm, LayoutForm
from thidua.papers.models import PrintLayout, SignedDocument, SignedKind


def _decision(request, pk: int) -> Decision:
    return get_object_or_404(Decision.objects.visible_to(request.user).select_related("authority", "transcribed_by"),
                             pk=pk)


def _inline_pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def decision_papers(request, pk: int):
    decision = _decision(request, pk)
    verdict = services.can_act(request.user, decision)
    signed = SignedDocument.objects.filter(decision=decision, kind=SignedKind.DECISION).first()
    certificates = Award.objects.filter(decision=decision, certificate__isnull=False).count()
    signed_certificates = SignedDocument.objects.filter(decision=decision, kind=SignedKind.CERTIFICATE).count()
    return render(request, "papers/decision.html", {
        "decision": decision, "can_act": bool(verdict), "refusal": verdict.reason,
        "signed": signed, "signed_check": services.stored_check(signed) if signed else None,
        "awards": decision.awards.count(), "certificates": certificates, "signed_certificates": signed_certificates,
        "signing_backend": signing.config().get("BACKEND"),
    })


@login_required
@require_POST
def sign(request, pk: int):
    decision = _decision(request, pk)
    job = services.start_signing(request.user, decision, request.build_absolute_uri("/"))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def print_blanks(request, pk: int):
    decision = _decision(request, pk)
    job = services.start_printing(request.user, decision)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def preview(request, pk: int):
    """The first pages of the decision's print, drawn on pictures of the blanks."""
    decision = _decision(request, pk)
    services.require(request.user, decision, "papers.preview")
    pdf, _pages = printing.blanks_pdf(decision, drawn=True, limit=3)
    return _inline_pdf(pdf, f"xem-truoc-{decision.pk}.pdf")


@login_required
def signed_decision(request, pk: int):
    decision = _decision(request, pk)
    doc = SignedDocument.objects.filter(decision=decision, kind=SignedKind.DECISION).first()
    if doc is None:
        raise Http404("Quyết định này chưa được ký số.")
    with doc.pdf.open("rb") as handle:
        return _inline_pdf(handle.read(), f"quyet-dinh-{decision.pk}-da-ky.pdf")


# --- Layouts ---------------------------------------------------------------------------------------------------

def _editable_layouts(user):
    """Layouts of the offices the user acts for (administrators: every one, and the general ones)."""
    offices = authority_rules.issuing_authorities(user)
    if getattr(user, "is_superuser", False):
        return PrintLayout.objects.all()
    return PrintLayout.objects.filter(organization__in=offices)


def _layout(request, pk: int) -> PrintLayout:
    return get_object_or_404(_editable_layouts(request.user).select_related("organization", "award_type"), pk=pk)


@login_required
def layouts(request):
    offices = authority_rules.issuing_authorities(request.user)
    if not offices.exists():
        raise Http404("Trang dành cho cơ quan thi đua, khen thưởng có thẩm quyền khen thưởng.")
    rows = _editable_layouts(request.user).select_related("organization", "award_type").order_by(
        "organization__name", "award_type__name")
    instance = None
    if request.method == "POST" and request.POST.get("layout"):
        instance = _layout(request, int(request.POST["layout"]))
    elif request.GET.get("sua"):
        instance = _layout(request, int(request.GET["sua"]))
    form = LayoutForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            before = audit.snapshot(instance) if instance else None
            layout = form.save(commit=False)
            layout.updated_by = request.user
            layout.save()
            audit.record("change" if instance else "create", layout, before=before, after=audit.snapshot(layout),
                         user=request.user, organization=layout.organization)
            messages.success(request, "Đã lưu mẫu in phôi.")
            return redirect(f"{request.path}?sua={layout.pk}")
        messages.error(request, "Mẫu in chưa lưu: xem các lỗi bên dưới.")
    return render(request, "papers/layouts.html", {"rows": rows, "form": form, "editing": instance,
                                                   "fields": printing.FIELDS,
                                                   "default_fields": printing.DEFAULT_FIELDS})


def _layout_value(row: PrintLayout) -> printing.Layout:
    return printing._layout(row)


@login_required
def calibration(request, pk: int):
    row = _layout(request, pk)
    return _inline_pdf(printing.calibration_pdf(_layout_value(row)), f"can-chinh-{row.pk}.pdf")


@login_required
def layout_preview(request, pk: int):
    """The layout on a drawn blank with the latest award it applies to."""
    row = _layout(request, pk)
    awards = Award.objects.filter(decision__transcribed_by__isnull=True).select_related(
        "award_type", "unit__parent", "decision__authority", "certificate")
    if row.organization_id:
        awards = awards.filter(decision__authority=row.organization)
    if row.award_type_id:
        awards = awards.filter(award_type=row.award_type)
    award = awards.order_by("-decision__signed_on", "-pk").first()
    if award is None:
        raise Http404("Chưa có khen thưởng nào để xem trước mẫu in này.")
    return _inline_pdf(printing.page_pdf(award, _layout_value(row), drawn=True), f"xem-truoc-mau-{row.pk}.pdf")



# --- The emulation and commendation fund -----------------------------------------------------------------------

def _fund_authority(request, org: int, year: int):
    """The authority whose fund the user may see: its own office's (which also records), or a global role's
    (read only). Others: 404."""

    authority = get_object_or_404(Organization, pk=org)
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    can_record = authority_rules.acts_for(request.user, authority)
    if not can_record and not scope_for(request.user).is_global:
        raise Http404("Không có quỹ này.")
    return authority, can_record


@login_required
def fund_index(request):
    from django.utils import timezone

    offices = authority_rules.issuing_authorities(request.user).order_by("name")
    if not offices.exists():
        raise Http404("Trang dành cho cơ quan thi đua, khen thưởng có thẩm quyền khen thưởng.")
    return render(request, "papers/funds.html", {"offices": offices, "year": timezone.localdate().year})


@login_required
def fund(request, org: int, year: int):

    authority, can_record = _fund_authority(request, org, year)
    statement = funds.statement(authority, year)
    return render(request, "papers/fund.html", {
        "s": statement, "can_record": can_record, "source_form": FundSourceForm(year=year),
        "payment_form": FundPaymentForm(decisions=[d.decision for d in statement.decisions], year=year),
        "balance": funds.balance(authority)})


def _fund_post(request, org, year, record):
    authority, _can = _fund_authority(request, org, year)
    try:
        record(authority)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("papers:fund", org=authority.pk, year=year)


@login_required
@require_POST
def fund_source(request, org: int, year: int):

    def record(authority):
        form = FundSourceForm(request.POST, year=year)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()])
        funds.record_source(request.user, authority, **form.cleaned_data)
        messages.success(request, "Đã ghi nguồn quỹ.")

    return _fund_post(request, org, year, record)


@login_required
@require_POST
def fund_payment(request, org: int, year: int):

    def record(authority):
        decisions = Decision.objects.own().filter(authority=authority, signed_on__year=year)
        form = FundPaymentForm(request.POST, decisions=decisions, year=year)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()])
        data = form.cleaned_data
        funds.record_payment(request.user, data.pop("decision"), **data)
        messages.success(request, "Đã ghi khoản chi tiền thưởng.")

    return _fund_post(request, org, year, record)


@login_required
def fund_xlsx(request, org: int, year: int):

    authority, _can = _fund_authority(request, org, year)
    return xlsx_response(funds.report_xlsx(funds.statement(authority, year)), f"quy-thi-dua-{authority.pk}-{year}")


@login_required
def fund_docx(request, org: int, year: int):

    authority, _can = _fund_authority(request, org, year)
    return document_response(request, lambda: funds.report_docx(funds.statement(authority, year)),
                             f"bao-cao-quy-thi-dua-{authority.pk}-{year}", "docx")
