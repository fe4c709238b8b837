"""The public honours board (/vinh-danh/): no login (thidua.emulation.public_views)."""

from django.urls import path

from thidua.emulation import public_views

app_name = "honours"
urlpatterns = [
    path("", public_views.board, name="board"),
]
