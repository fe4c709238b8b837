from django.urls import path

from thidua.core.documents import register_doc_format_converter
from thidua.emulation import balance_views, document_views, views, year_views

register_doc_format_converter()

app_name = "emulation"
urlpatterns = [
    path("cum/", views.home, name="home"),
    path("cum/<int:pk>/", views.dashboard, name="dashboard"),
    path("cum/<int:pk>/chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
    path("cum/<int:pk>/dien-hinh/", views.exemplars, name="exemplars"),
    # Running the cluster year, step by step (year_views.py)
    path("cum/<int:pk>/nam/", year_views.overview, name="year"),
    path("cum/<int:pk>/nam/mo/", year_views.open_year, name="year-open"),
    path("cum/<int:pk>/nam/khung/", year_views.framework_page, name="year-framework"),
    path("cum/<int:pk>/nam/dang-ky/", year_views.register, name="year-register"),
    path("cum/<int:pk>/nam/giao-uoc/", year_views.pact, name="year-pact"),
    path("cum/<int:pk>/nam/ket-qua/", year_views.results, name="year-results"),
    path("cum/<int:pk>/nam/luy-ke-dau-nam/", balance_views.opening_balances, name="year-balances"),
    path("cum/<int:pk>/nam/luy-ke-dau-nam/luu/", balance_views.save_opening_balance, name="year-balance-save"),
    path("cum/<int:pk>/nam/cham-diem/", year_views.scores, name="year-scores"),
    path("cum/<int:pk>/nam/cham-diem/tu-cham/", year_views.self_score, name="year-self-score"),
    path("cum/<int:pk>/nam/cham-diem/cham-cheo/", year_views.cross_score, name="year-cross-score"),
    path("cum/<int:pk>/nam/cham-diem/tong-hop/", year_views.consolidate, name="year-consolidate"),
    path("cum/<int:pk>/nam/cham-diem/lich-su/", year_views.score_history, name="year-score-history"),
    path("cum/<int:pk>/nam/bo-phieu/", year_views.votes, name="year-votes"),
    path("cum/<int:pk>/nam/bo-phieu/<int:sid>/", year_views.vote, name="year-vote"),
    path("cum/<int:pk>/nam/minh-chung/<str:kind>/<int:obj>/", year_views.evidence, name="year-evidence"),
    # Documents of the cluster year (Word / PDF) and the Excel export of targets and results.
    path("cum/<int:pk>/van-ban/giao-uoc.<docfmt:fmt>", document_views.pact, name="doc_pact"),
    path("cum/<int:pk>/van-ban/bao-cao-tong-ket.<docfmt:fmt>", document_views.year_end_report, name="doc_report"),
    path("cum/<int:pk>/van-ban/thong-cao-bao-chi.<docfmt:fmt>", document_views.press_release, name="doc_press"),
    path("cum/<int:pk>/van-ban/chi-tieu.xlsx", document_views.targets_export, name="doc_targets_xlsx"),
    path("cum/<int:pk>/van-ban/to-trinh.<docfmt:fmt>", document_views.submission, name="doc_submission"),
    path("cum/<int:pk>/van-ban/kiem-phieu-<int:sid>.<docfmt:fmt>", document_views.vote_minutes, name="doc_minutes"),
    path("cum/<int:pk>/van-ban/cham-diem.xlsx", document_views.scores_export, name="doc_scores_xlsx"),
]
