from django.urls import path

from . import views

app_name = "pilots"

urlpatterns = [
    path("pilots/proposals/", views.proposal_list, name="proposal_list"),
    path("pilots/proposals/new/", views.proposal_create, name="proposal_create"),
    path("pilots/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("pilots/proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path(
        "pilots/proposals/<int:pk>/submit/",
        views.proposal_submit,
        name="proposal_submit",
    ),
    path("pilots/mine/", views.my_pilots, name="my_pilots"),
    path(
        "pilots/<int:pk>/measurements/",
        views.pilot_measurements,
        name="measurements",
    ),
    path(
        "pilots/<int:pk>/measurements.csv",
        views.pilot_measurements_csv,
        name="measurements_csv",
    ),
    path(
        "pilots/<int:pk>/imports/<int:job_pk>/",
        views.import_job,
        name="import_job",
    ),
]
