"""Remove a person's authenticator apps and recovery codes (a lost phone): they set up
a new app at their next sign-in. Recorded in the audit log. Superusers can do the same
from the person's screen in the admin."""

from django.core.management.base import BaseCommand, CommandError

from home.models import User
from home.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove the authenticator apps and recovery codes of the account with this "
        "email address."
    )

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
