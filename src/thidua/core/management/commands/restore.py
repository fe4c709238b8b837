"""thidua restore FILE [--force]: restore a `thidua backup` archive into a migrated database."""

from django.core.management.base import BaseCommand, CommandError

from thidua.lib.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup into a migrated database at the same migrations. Refuses a database that holds data "
            "unless --force, which replaces every table and MEDIA_ROOT with the backup's content.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace existing data")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, database, **options):
        try:
            report = restore_backup(file, force=force, using=database)
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore refused: {exc}") from None
        self.stdout.write(f"{report.path}: restored {report.tables} tables, {report.rows} rows, {report.files} files "
                          f"in {report.seconds:.1f} s; every table's row count and checksum match the manifest")
