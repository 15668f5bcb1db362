from django.urls import path

from kenes.media import views

app_name = "media"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("<int:pk>/", views.news_detail, name="detail"),
    path("<int:pk>/events/<int:event_pk>/link/", views.link_event, name="link_event"),
    path("<int:pk>/events/<int:event_pk>/unlink/", views.unlink_event, name="unlink_event"),
    path("region/<slug:slug>/", views.region_news, name="region"),
    path("proposals/<int:pk>/confirm/", views.confirm_proposal, name="confirm"),
    path("proposals/<int:pk>/reject/", views.reject_proposal, name="reject"),
]
