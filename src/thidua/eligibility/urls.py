from django.urls import path

from thidua.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("xet-dieu-kien/", views.check, name="check"),
    path("ca-nhan/<int:pk>/", views.person_record, name="person"),
]
