from django.urls import path

from thidua.eligibility import basis_views, views

app_name = "eligibility"
urlpatterns = [
    path("xet-dieu-kien/", views.check, name="check"),
    path("xet-dieu-kien/chay-nen/", views.check_job, name="check-job"),
    path("xet-dieu-kien/tinh-san/", views.snapshot_recompute, name="snapshot-recompute"),
    path("ca-nhan/<int:pk>/", views.person_record, name="person"),
    path("can-cu-phap-ly/", basis_views.basis, name="basis"),
]
