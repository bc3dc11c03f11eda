from django.core.management.base import BaseCommand, CommandError

from zhengwu.accounts import services
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role


class Command(BaseCommand):
    help = (
        "Create a user (or add a role to one): create_user USERNAME --role ROLE [--department CODE]"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            dest="roles",
            help="One of: " + ", ".join(r.value for r in Role) + " (repeat for several)",
        )
        parser.add_argument("--department", help="Department code")
        parser.add_argument("--password", help="Password (omit for an account that cannot log in)")
        parser.add_argument("--name", default="", help="Full name")

    def handle(self, *args, username, roles, department, password, name, **options):
        try:
            user = services.create_user(
                username=username,
                roles=roles,
                department_code=department,
                password=password,
                full_name=name,
            )
        except ValidationFailed as error:
            raise CommandError(
                "; ".join(m for messages in error.errors.values() for m in messages)
            ) from None
        self.stdout.write(f"{user.username} {','.join(sorted(roles))}")
