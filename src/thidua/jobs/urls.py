from django.urls import path

from thidua.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("<int:pk>/huy/", views.job_cancel, name="cancel"),
    path("<int:pk>/chay-lai/", views.job_retry, name="retry"),
    path("<int:pk>/ket-qua/", views.job_download, name="download"),
]
