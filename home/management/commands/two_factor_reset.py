"""Remove a person's authenticator apps (a lost phone): they set up a new one at their
next sign-in. Recorded in the audit log."""

from django.core.management.base import BaseCommand, CommandError

from home.models import User
from home.two_factor import two_factor_reset


class Command(BaseCommand):
    help = "Remove the authenticator apps of the account with this email address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the email address {email}")
        count = two_factor_reset(user=user)
        self.stdout.write(
            f"Removed {count} authenticator app(s) of {user.email}: they will set up "
            "a new one when they next sign in."
        )
