from django.urls import path

from . import views

urlpatterns = [
    # Accounts: start-ups and public servants sign up, sign in and keep a profile.
    path("account/", views.account_home, name="account_home"),
    path("account/sign-up/", views.sign_up, name="sign_up"),
    path("account/sign-up/check-your-email/", views.sign_up_done, name="sign_up_done"),
    path("account/confirm/<str:token>/", views.account_confirm, name="account_confirm"),
    path("account/sign-in/", views.sign_in, name="sign_in"),
    path("account/sign-out/", views.sign_out, name="sign_out"),
    path("account/password-reset/", views.password_reset, name="password_reset"),
    path(
        "account/password-reset/sent/",
        views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/organisation/", views.organisation_edit, name="organisation_edit"),
    path(
        "account/organisation/invite/",
        views.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "account/invitations/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
