from django.urls import path

from thidua.emulation import (
    balance_views,
    document_views,
    views,
    year_open_views,
    year_register_views,
    year_result_views,
    year_score_views,
    year_views,
    year_vote_views,
)
from thidua.lib.documents import register_doc_format_converter

register_doc_format_converter()

app_name = "emulation"
urlpatterns = [
    path("cum/", views.home, name="home"),
    path("cum/<int:pk>/", views.dashboard, name="dashboard"),
    path("cum/<int:pk>/chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
    path("cum/<int:pk>/dien-hinh/", views.exemplars, name="exemplars"),
    # Running the cluster year, step by step (year_*_views.py): a page per step, a POST URL per action.
    path("cum/<int:pk>/nam/", year_views.overview, name="year"),
    path("cum/<int:pk>/nam/mo/", year_open_views.open_year, name="year-open"),
    path("cum/<int:pk>/nam/khung/", year_open_views.framework_page, name="year-framework"),
    path("cum/<int:pk>/nam/khung/tieu-chi/", year_open_views.save_criterion, name="year-criterion-save"),
    path("cum/<int:pk>/nam/khung/tieu-chi/xoa/", year_open_views.delete_criterion, name="year-criterion-delete"),
    path("cum/<int:pk>/nam/khung/chi-tieu/", year_open_views.save_indicator, name="year-indicator-save"),
    path("cum/<int:pk>/nam/khung/chi-tieu/xoa/", year_open_views.delete_indicator, name="year-indicator-delete"),
    path("cum/<int:pk>/nam/dang-ky/", year_register_views.register, name="year-register"),
    path("cum/<int:pk>/nam/giao-uoc/", year_register_views.pact, name="year-pact"),
    path("cum/<int:pk>/nam/giao-uoc/soan/", year_register_views.save_pact, name="year-pact-save"),
    path("cum/<int:pk>/nam/giao-uoc/ky/", year_register_views.sign_pact, name="year-pact-sign"),
    path("cum/<int:pk>/nam/ket-qua/", year_result_views.results, name="year-results"),
    path("cum/<int:pk>/nam/luy-ke-dau-nam/", balance_views.opening_balances, name="year-balances"),
    path("cum/<int:pk>/nam/luy-ke-dau-nam/luu/", balance_views.save_opening_balance, name="year-balance-save"),
    path("cum/<int:pk>/nam/cham-diem/", year_score_views.scores, name="year-scores"),
    path("cum/<int:pk>/nam/cham-diem/khoa/", year_score_views.lock_scores, name="year-lock"),
    path("cum/<int:pk>/nam/cham-diem/tu-cham/", year_score_views.self_score, name="year-self-score"),
    path("cum/<int:pk>/nam/cham-diem/cham-cheo/", year_score_views.cross_score, name="year-cross-score"),
    path("cum/<int:pk>/nam/cham-diem/cham-cheo/cham/", year_score_views.save_cross_score, name="year-cross-score-save"),
    path("cum/<int:pk>/nam/cham-diem/cham-cheo/phan-cong/", year_score_views.assign_cross_auto,
         name="year-cross-assign-auto"),
    path("cum/<int:pk>/nam/cham-diem/cham-cheo/phan-cong-tay/", year_score_views.assign_cross_pairs,
         name="year-cross-assign-pairs"),
    path("cum/<int:pk>/nam/cham-diem/tong-hop/", year_score_views.consolidate, name="year-consolidate"),
    path("cum/<int:pk>/nam/cham-diem/lich-su/", year_score_views.score_history, name="year-score-history"),
    path("cum/<int:pk>/nam/bo-phieu/", year_vote_views.votes, name="year-votes"),
    path("cum/<int:pk>/nam/bo-phieu/hoi-nghi/", year_vote_views.schedule_review, name="year-review-schedule"),
    path("cum/<int:pk>/nam/bo-phieu/mo-phien/", year_vote_views.open_vote, name="year-vote-open"),
    path("cum/<int:pk>/nam/bo-phieu/trao-co/", year_vote_views.hand_over_flag, name="year-handover"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/", year_vote_views.vote, name="year-vote"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/phieu/", year_vote_views.cast_ballot, name="year-ballot"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/ket-thuc/", year_vote_views.close_vote, name="year-vote-close"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/kiem-lai/", year_vote_views.recount_vote, name="year-vote-recount"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/vong-moi/", year_vote_views.open_tie_round, name="year-tie-round"),
    path("cum/<int:pk>/nam/minh-chung/<str:kind>/<int:obj>/", year_result_views.evidence, name="year-evidence"),
    # Documents of the cluster year (Word / PDF) and the Excel export of targets and results.
    path("cum/<int:pk>/van-ban/giao-uoc.<docfmt:fmt>", document_views.pact, name="doc_pact"),
    path("cum/<int:pk>/van-ban/bao-cao-tong-ket.<docfmt:fmt>", document_views.year_end_report, name="doc_report"),
    path("cum/<int:pk>/van-ban/thong-cao-bao-chi.<docfmt:fmt>", document_views.press_release, name="doc_press"),
    path("cum/<int:pk>/van-ban/chi-tieu.xlsx", document_views.targets_export, name="doc_targets_xlsx"),
    path("cum/<int:pk>/van-ban/to-trinh.<docfmt:fmt>", document_views.submission, name="doc_submission"),
    path("cum/<int:pk>/van-ban/kiem-phieu-<int:sid>.<docfmt:fmt>", document_views.vote_minutes, name="doc_minutes"),
    path("cum/<int:pk>/van-ban/cham-diem.xlsx", document_views.scores_export, name="doc_scores_xlsx"),
]
