"""thidua backup FILE: a consistent snapshot of the database and of the uploaded files as one .tar.gz."""

from django.core.management.base import BaseCommand

from thidua.lib.backup import create_backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database and MEDIA_ROOT to FILE (.tar.gz) with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        report = create_backup(file, using=database)
        self.stdout.write(f"{report.path}: {report.tables} tables, {report.rows} rows, {report.files} files "
                          f"in {report.seconds:.1f} s")
