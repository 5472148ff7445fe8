from django.urls import path

from . import views
from .feeds import OpenChallengesFeed
from .judging import views as judging_views

urlpatterns = [
    # RSS feed of open challenges, served before Wagtail's pages.
    path("challenges/feed/", OpenChallengesFeed(), name="challenges_feed"),
    # Questions and interest
    path(
        "challenge-questions/<int:challenge_id>/",
        views.challenge_question,
        name="challenge_question",
    ),
    path(
        "challenge-interest/<int:challenge_id>/",
        views.challenge_interest,
        name="challenge_interest",
    ),
    # Entries
    path("entries/", views.entries_list, name="entries_list"),
    path("entries/start/", views.entry_start, name="entry_start"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path(
        "entries/<int:entry_id>/attachments/",
        views.entry_attachments,
        name="entry_attachments",
    ),
    path(
        "entries/<int:entry_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("entries/<int:entry_id>/submit/", views.entry_submit, name="entry_submit"),
    path(
        "entries/<int:entry_id>/submitted/",
        views.entry_submitted,
        name="entry_submitted",
    ),
    path(
        "entries/<int:entry_id>/withdraw/", views.entry_withdraw, name="entry_withdraw"
    ),
    # Judging: an unsuccessful entrant joins the promising solutions; before
    # the entry-step catch-all below.
    path(
        "entries/<int:entry_id>/promising-solution/",
        judging_views.entry_promising,
        name="entry_promising",
    ),
    path(
        "entries/<int:entry_id>/promising-solution/remove/",
        judging_views.entry_promising_remove,
        name="entry_promising_remove",
    ),
    path("entries/<int:entry_id>/<slug:step>/", views.entry_step, name="entry_step"),
    path(
        "attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    # Judging: assessors declare interests and score; public servants browse the
    # promising solutions.
    path("assessments/", judging_views.assessments, name="assessments"),
    path(
        "assessments/challenges/<int:challenge_id>/interests/",
        judging_views.assessment_declare,
        name="assessment_declare",
    ),
    path(
        "assessments/entries/<int:entry_id>/",
        judging_views.assessment_entry,
        name="assessment_entry",
    ),
    path(
        "assessments/entries/<int:entry_id>/recuse/",
        judging_views.assessment_recuse,
        name="assessment_recuse",
    ),
    path(
        "promising-solutions/",
        judging_views.promising_solutions,
        name="promising_solutions",
    ),
]
