"""Account state from the outside: a deactivated account stays inactive whatever link
is followed or sign-in route is tried, and emailed account links are single-use and
short-lived."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from home.models import User
from tests.factories.challenges import UserFactory

pytestmark = pytest.mark.django_db


class ExistingAccountsTests:
    def test_the_migration_marks_accounts_that_have_been_active_confirmed(self):
        migration = importlib.import_module(
            "home.migrations.0006_user_email_confirmed_at"
        )
        signed_in = timezone.now() - timedelta(days=3)
        active = UserFactory(email="active@startup.example")
        deactivated = UserFactory(email="gone@startup.example")
        pending = UserFactory(email="pending@startup.example")
        User.objects.filter(pk=active.pk).update(email_confirmed_at=None)
        User.objects.filter(pk=deactivated.pk).update(
            email_confirmed_at=None, is_active=False, last_login=signed_in
        )
        User.objects.filter(pk=pending.pk).update(
            email_confirmed_at=None, is_active=False, last_login=None
        )
        migration.mark_existing_confirmed(apps, None)
        active.refresh_from_db()
        deactivated.refresh_from_db()
        pending.refresh_from_db()
        assert active.email_confirmed_at == active.date_joined
        assert deactivated.email_confirmed_at == signed_in
        assert not deactivated.awaits_confirmation
        assert pending.email_confirmed_at is None and pending.awaits_confirmation
