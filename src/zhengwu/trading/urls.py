"""Pages of the trading record: deals, flags, the board, credit."""

from django.urls import path

from zhengwu.trading import views

app_name = "trading"

urlpatterns = [
    path("", views.deals, name="deals"),
    path("deals/<str:code>/", views.deal, name="deal"),
    path("deals/<str:code>/onsite/", views.log_onsite, name="onsite"),
    path("bids/<int:bid_id>/file", views.bid_file, name="bid_file"),
    path("flags/<int:flag_id>/", views.flag, name="flag"),
    path("flags/<int:flag_id>/review/", views.review, name="review"),
    path("board/", views.board, name="board"),
    path("credit/", views.credit_index, name="credit"),
    path("credit/bidders/<str:uscc>/", views.bidder_credit, name="bidder_credit"),
    path("credit/experts/<int:expert_id>/", views.expert_credit, name="expert_credit"),
]
