from django.urls import path

from kenes.campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events.ics", views.events_ics, name="events_ics"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/report/", views.event_report, name="event_report"),
    path("events/<int:pk>/volunteers/", views.event_volunteers, name="event_volunteers"),
    path("coalitions/", views.coalition_list, name="coalitions"),
    path("coalitions/<int:pk>/", views.coalition_detail, name="coalition"),
    path("coalitions/<int:pk>/import/", views.plan_import, name="plan_import"),
    path("coalitions/<int:pk>/events/new/", views.event_create, name="event_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, {"fmt": "csv"}, name="dashboard_csv"),
    path("dashboard/export.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="dashboard_xlsx"),
]
