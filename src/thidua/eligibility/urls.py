from django.urls import path

from thidua.eligibility import basis_views, national_views, views
from thidua.lib.documents import register_doc_format_converter

register_doc_format_converter()

app_name = "eligibility"
urlpatterns = [
    path("xet-dieu-kien/", views.check, name="check"),
    path("xet-dieu-kien/chay-nen/", views.check_job, name="check-job"),
    path("xet-dieu-kien/tinh-san/", views.snapshot_recompute, name="snapshot-recompute"),
    path("ca-nhan/<int:pk>/", views.person_record, name="person"),
    path("can-cu-phap-ly/", basis_views.basis, name="basis"),
    # The Central Council's clusters and blocks: the Government flag proposals consolidated, the Word summary.
    path("cum/toan-quoc/co-thi-dua/", national_views.flags, name="national-flags"),
    path("cum/toan-quoc/co-thi-dua/tong-hop/", national_views.run, name="national-flags-run"),
    path("cum/toan-quoc/bao-cao-tong-hop.<docfmt:fmt>", national_views.summary, name="national-summary"),
]
