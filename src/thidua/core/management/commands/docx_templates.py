"""thidua docx_templates [--check]: rebuild the Word templates (src/thidua/<app>/docx/*.docx) from their builders."""

from django.core.management.base import BaseCommand, CommandError

from thidua.lib.docx_builder import registered_templates, write_templates


class Command(BaseCommand):
    help = ("Rebuild the .docx templates of every app from thidua.<app>.docx_templates "
            "(--check: only report templates that differ from their builder).")
    requires_system_checks = []  # builds files only: needs neither the URLs nor the database

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="write nothing; fail if a template is out of date")

    def handle(self, *args, check=False, **options):
        differing = write_templates(check=check)
        total = len(registered_templates())
        if check:
            if differing:
                raise CommandError("Out of date (run `thidua docx_templates`): " + ", ".join(map(str, differing)))
            self.stdout.write(f"{total} templates up to date.")
            return
        for path in differing:
            self.stdout.write(f"written {path}")
        self.stdout.write(f"{len(differing)} of {total} templates rewritten.")
