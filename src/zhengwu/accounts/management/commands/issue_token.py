from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengwu.accounts import services
from zhengwu.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API bearer token for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user is called %(username)s.") % {"username": username})
        _token, raw = services.issue_token(user=user, name=name)
        self.stdout.write(raw)
