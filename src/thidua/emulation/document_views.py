"""Downloads of the cluster-year documents: pact, year-end report, press release (.docx / .pdf) and the
Excel export of targets and results. Whoever sees the cluster year may download them; others get 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from thidua.emulation import documents
from thidua.emulation.models import ClusterYear, VoteSession
from thidua.lib.documents import document_response, xlsx_response


def _cluster_year(request, pk: int) -> ClusterYear:
    return get_object_or_404(ClusterYear.objects.visible_to(request.user)
                             .select_related("cluster__organised_by", "chair", "deputy"), pk=pk)


@login_required
def pact(request, pk: int, fmt: str):
    cy = _cluster_year(request, pk)
    return document_response(request, lambda: documents.pact_docx(cy), documents.filename("pact", cy), fmt)


@login_required
def year_end_report(request, pk: int, fmt: str):
    cy = _cluster_year(request, pk)
    return document_response(request, lambda: documents.report_docx(cy), documents.filename("report", cy), fmt)


@login_required
def press_release(request, pk: int, fmt: str):
    cy = _cluster_year(request, pk)
    return document_response(request, lambda: documents.press_release_docx(cy), documents.filename("press", cy), fmt)


@login_required
def targets_export(request, pk: int):
    cy = _cluster_year(request, pk)
    return xlsx_response(documents.targets_xlsx(cy), documents.filename("targets", cy))


@login_required
def submission(request, pk: int, fmt: str):
    cy = _cluster_year(request, pk)
    return document_response(request, lambda: documents.submission_docx(cy), documents.filename("submission", cy), fmt)


@login_required
def vote_minutes(request, pk: int, sid: int, fmt: str):
    cy = _cluster_year(request, pk)
    session = get_object_or_404(VoteSession, pk=sid, cluster_year=cy, closed_at__isnull=False)
    name = f"{documents.filename('minutes', cy)} - {session}"
    return document_response(request, lambda: documents.minutes_docx(session), name, fmt)


@login_required
def scores_export(request, pk: int):
    cy = _cluster_year(request, pk)
    return xlsx_response(documents.scores_xlsx(cy), documents.filename("scores", cy))
