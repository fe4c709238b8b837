"""thidua token create USER NAME | revoke ID | list [USER]: API tokens for integrations."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.core.models import ApiToken
from thidua.core.tokens import create_token, revoke_token


class Command(BaseCommand):
    help = "Manage API tokens: create (prints the key once), revoke, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token for USER named NAME; prints the key once")
        create.add_argument("user")
        create.add_argument("name")
        revoke = sub.add_parser("revoke", help="revoke token ID")
        revoke.add_argument("id", type=int)
        listing = sub.add_parser("list", help="list tokens (of USER)")
        listing.add_argument("user", nargs="?")

    def handle(self, *args, verb, **options):
        if verb == "create":
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']!r}.") from None
            try:
                token, key = create_token(user, options["name"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stderr.write(f"Token #{token.pk} '{token.name}' for {user.username}. "
                              "Keep the key now: it is not stored and cannot be shown again.")
            self.stdout.write(key)
        elif verb == "revoke":
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"No token #{options['id']}.")
            already = token.revoked_at is not None
            revoke_token(token)
            self.stdout.write(f"Token #{token.pk} {'was already' if already else 'is now'} revoked.")
        else:
            tokens = ApiToken.objects.select_related("user").order_by("pk")
            if options.get("user"):
                tokens = tokens.filter(user__username=options["user"])
            for t in tokens:
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
                self.stdout.write(f"{t.pk}\t{t.user.username}\t{t.name}\t{t.key_prefix}…\t{state}\tlast used {used}")
