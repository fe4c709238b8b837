"""Thematic commendations proposed by a movement's review (sơ kết, tổng kết): a thematic dossier linked to the
movement, created through the ordinary dossier service (`services.create_dossier`, kind "thematic"), with the
registered participants chosen as its items (`services.add_items`). The dossier then follows its route like any
other; thematic awards do not count toward merit awards (registry basis "thematic").

The page posts here (`/phong-trao/<pk>/so-ket/<rid>/de-nghi-khen/`): emulation sits below nominations, so the
action lives on this side. The page and the API (`api.movements.MovementCommendView`) read the chosen
registrations with `chosen_registrations` and create the dossier with `propose`: one path for both."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.awards.models import AwardType
from thidua.core import refusals
from thidua.core.refusals import Conflict
from thidua.emulation.models import Movement, MovementRegistration, MovementReview
from thidua.emulation.movements import movement_tree_ids
from thidua.lib.numbers import format_date
from thidua.nominations import services
from thidua.nominations.models import Dossier, DossierKind

REGISTRATIONS_MAX = 200


def chosen_registrations(ids) -> tuple[list[MovementRegistration], list[int]]:
    """The registrations chosen by id (with what the items need loaded), and the ids that match none."""
    wanted = list(dict.fromkeys(ids))
    found = list(MovementRegistration.objects.filter(pk__in=wanted).select_related("person__organization",
                                                                                  "organization"))
    known = {r.pk for r in found}
    return found, [i for i in wanted if i not in known]


def propose(user, review: MovementReview, *, granted_by: str, award_type: AwardType | None = None,
            registrations: list[MovementRegistration] | tuple = (), title: str = "") -> Dossier:
    """One thematic dossier from the movement's launching level, its items the chosen registrations (all or
    nothing: a refused item leaves no dossier)."""
    movement = review.movement
    tree = set(movement_tree_ids(movement))
    with refusals.service(user=user, on=review):
        if review.held_on > timezone.localdate():
            # Commendations follow the review's assessment: a conference still to come has assessed no one.
            raise Conflict(f"{review.get_kind_display()} ngày {format_date(review.held_on)} chưa diễn ra: đề nghị "
                           "khen thưởng theo chuyên đề sau khi đã sơ kết, tổng kết.")
        if registrations and award_type is None:
            raise Conflict({"award_type": "Chọn hình thức khen thưởng cho những người, tập thể được đề nghị."})
        if any(r.movement_id not in tree for r in registrations):
            raise Conflict("Chỉ đề nghị khen những người, tập thể đã đăng ký phong trào này.")
        title = title.strip() or (f"Đề nghị khen thưởng chuyên đề: {review.get_kind_display().lower()} phong trào "
                                  f"“{movement.name}”")
        dossier = services.create_dossier(user, from_org=movement.launched_by, granted_by=granted_by,
                                          year=review.held_on.year, title=title[:500], kind=DossierKind.THEMATIC,
                                          movement=movement)
        if registrations:
            services.add_items(user, dossier, [
                services.NewItem(award_type, person=r.person, organization=None if r.person_id else r.organization,
                                 year=review.held_on.year,
                                 achievement=r.commitment or f"Thành tích trong phong trào “{movement.name}”")
                for r in registrations])
    return dossier


@login_required
@require_POST
def commend(request, pk: int, rid: int):
    movement = get_object_or_404(Movement.objects.visible_to(request.user), pk=pk)
    tree = movement_tree_ids(movement)
    review = get_object_or_404(MovementReview.objects.select_related("movement__launched_by"), pk=rid,
                               movement_id__in=tree)
    code = request.POST.get("award_type", "")[:32]
    award_type = AwardType.objects.filter(code=code).first() if code else None
    ids = [int(x) for x in request.POST.getlist("registrations") if x.isdigit() and len(x) < 10]
    chosen, missing = chosen_registrations(ids[:REGISTRATIONS_MAX])
    try:
        if len(ids) > REGISTRATIONS_MAX:
            raise Conflict(_("Mỗi lần lập hồ sơ chọn tối đa %(n)s đăng ký; chọn ít hơn hoặc lập thêm hồ sơ.")
                           % {"n": REGISTRATIONS_MAX})
        if missing:
            raise Conflict(_("Có đăng ký không còn tồn tại (#%(ids)s); tải lại trang rồi chọn lại.")
                           % {"ids": ", #".join(map(str, missing))})
        if code and award_type is None:
            raise Conflict(_("Hình thức khen thưởng đã chọn không có trong danh mục."))
        dossier = propose(request.user, review, granted_by=request.POST.get("granted_by", ""), award_type=award_type,
                          registrations=chosen, title=request.POST.get("title", "")[:500])
    except refusals.REFUSALS as exc:
        refusals.show(request, exc)
        return redirect("emulation:movement", movement.pk)
    messages.success(request, _("Đã lập hồ sơ đề nghị khen thưởng chuyên đề #%(pk)s với %(n)s người, tập thể.")
                     % {"pk": dossier.pk, "n": len(chosen)})
    return redirect("nominations:detail", dossier.pk)
