from django.urls import path

from thidua.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("xet-dieu-kien/", views.check, name="check"),
    path("xet-dieu-kien/chay-nen/", views.check_job, name="check-job"),
    path("ca-nhan/<int:pk>/", views.person_record, name="person"),
]
