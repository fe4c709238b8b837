"""`thidua collectstatic_changed`: collectstatic, skipped when the static sources are as they were at the last
collect. `thidua serve` runs it at every start: in production WhiteNoise writes a gzip and a brotli copy of every
file (about a minute of CPU for ~60 MB of Bootstrap, admin and API files), and a restart with the same code should
not pay that again. The fingerprint covers every source file's path, size and modification time and the storage
backend; it is kept in STATIC_ROOT beside the manifest, so a removed or partial STATIC_ROOT collects again."""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

STAMP = ".sources-sha256"


def sources_fingerprint() -> str:
    h = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            st = os.stat(storage.path(path))
            entries.append(f"{getattr(storage, 'prefix', None) or ''}/{path}|{st.st_size}|{st.st_mtime_ns}")
    h.update("\n".join(sorted(entries)).encode())
    return h.hexdigest()


def up_to_date(fingerprint: str) -> bool:
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    manifest_needed = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    return (stamp.exists() and stamp.read_text() == fingerprint
            and (not manifest_needed or (root / "staticfiles.json").exists()))


class Command(BaseCommand):
    help = "collectstatic, unless the static sources are unchanged since the last collect"

    def handle(self, *args, **options):
        fingerprint = sources_fingerprint()
        if up_to_date(fingerprint):
            self.stdout.write("static files unchanged since the last collect")
            return
        stamp = Path(settings.STATIC_ROOT) / STAMP
        stamp.unlink(missing_ok=True)  # a collect that fails halfway leaves no stamp
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
