"""`thidua signing_ca`: a test certification authority and a PKCS#12 key per issuing authority, under
THIDUA_SIGNING["DIR"] (var/signing/ by default; never committed). For the demo and the tests only: the
signatures it makes validate only where its ca.pem is a trust root."""

from django.core.management.base import BaseCommand, CommandError

from thidua.awards.models import Decision
from thidua.orgs.models import Organization
from thidua.papers import signing, testca


class Command(BaseCommand):
    help = "Tạo CA thử nghiệm và khóa ký số PKCS#12 cho các cơ quan ban hành quyết định (var/signing/)."

    def add_arguments(self, parser):
        parser.add_argument("--authority", type=int, action="append", default=[],
                            help="id of an authority (repeatable); default: every authority with its own decisions")
        parser.add_argument("--force", action="store_true", help="replace existing keys")

    def handle(self, *args, authority, force, **options):
        folder = signing.directory()
        ids = authority or list(Decision.objects.own().values_list("authority_id", flat=True).distinct())
        orgs = list(Organization.objects.filter(pk__in=ids))
        if authority and len(orgs) != len(set(authority)):
            raise CommandError(f"Không có cơ quan id {sorted(set(authority) - {o.pk for o in orgs})}.")
        ca, _key = testca.create_ca(folder)
        self.stdout.write(f"CA thử nghiệm: {ca}")
        for org in orgs:
            if (folder / f"{org.pk}.p12").exists() and not force:
                self.stdout.write(f"  {org.pk}: {org.name} — đã có khóa (dùng --force để tạo lại)")
                continue
            path, _ = testca.issue_pkcs12(folder, org.pk, signing.authority_body(org))
            self.stdout.write(f"  {org.pk}: {org.name} — {path.name}")
