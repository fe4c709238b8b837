"""Routes of the exemplary models (/dien-hinh/): the board, an exemplar's page, one POST URL per action."""

from django.urls import path

from thidua.emulation import exemplar_views as v

app_name = "exemplars"
urlpatterns = [
    path("", v.board, name="board"),
    path("phat-hien/", v.discover, name="discover"),
    path("<int:pk>/", v.detail, name="detail"),
    path("<int:pk>/boi-duong/", v.nurture, name="nurture"),
    path("<int:pk>/theo-doi/", v.follow_up, name="follow-up"),
    path("<int:pk>/nhan-rong/", v.add_replication, name="replication"),
    path("<int:pk>/tong-ket/", v.replicate, name="replicate"),
    path("<int:pk>/ton-vinh/", v.honour, name="honour"),
    path("<int:pk>/tep/", v.upload, name="upload"),
    path("<int:pk>/tep/<int:att>/", v.attachment, name="attachment"),
    path("<int:pk>/cong-bo/", v.publish, name="publish"),
    path("<int:pk>/cong-bo/<int:pub>/rut/", v.withdraw, name="withdraw"),
    path("vinh-danh/<int:pub>/van-ban-dong-y/", v.consent_document, name="consent-document"),
    # An award (not an exemplar) on the public honours board.
    path("khen-thuong/<int:award>/vinh-danh/", v.award_publication, name="award-publication"),
    path("khen-thuong/<int:award>/vinh-danh/cong-bo/", v.award_publish, name="award-publish"),
    path("khen-thuong/<int:award>/vinh-danh/<int:pub>/rut/", v.award_withdraw, name="award-withdraw"),
]
