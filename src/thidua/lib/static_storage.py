"""The production storage of static files: WhiteNoise's hashed, compressed files, each content compressed once.

WhiteNoise writes a gzip and a brotli copy of both names of every file (`bootstrap.css` and
`bootstrap.1252ecac1986.css`), and most hashed files have exactly the content of their original (only CSS whose
URLs are rewritten differ). Brotli at its best quality is most of a collect's minute of CPU (source maps, the API
documentation bundles), so here a content is compressed once and its compressed copies are copied to the other
names that hold the same bytes: the same files as WhiteNoise writes, byte for byte, in half the time.

`StaticFilesConfig` (in INSTALLED_APPS instead of django.contrib.staticfiles) leaves out of the collect the files of
the static packages that no page loads: Bootstrap's other builds (unminified, RTL, grid, reboot, utilities, ESM),
htmx 4 and its extensions, Redoc (the API documentation is Swagger UI). They were half of the collect's brotli CPU
(10 of 19 s). `runserver` still finds them; tests/lib/test_static_storage.py checks that every file the pages and
the API documentation load is collected."""

from __future__ import annotations

import hashlib
import shutil

from django.conf import settings
from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig
from whitenoise.storage import CompressedManifestStaticFilesStorage


class DedupedCompressedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def compress_files(self, paths):
        compressor = self.create_compressor(
            extensions=getattr(settings, "WHITENOISE_SKIP_COMPRESS_EXTENSIONS", None), quiet=True)
        same: dict[str, list[str]] = {}  # content digest -> names with that content (the first is compressed)
        digest_of: dict[str, str] = {}
        for path in sorted(paths):
            if not compressor.should_compress(path):
                continue
            with open(self.path(path), "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
            same.setdefault(digest, []).append(path)
            digest_of[path] = digest
        firsts = [names[0] for names in same.values()]
        for name, compressed_name in super().compress_files(firsts):
            yield name, compressed_name
            suffix = compressed_name[len(name):]  # ".gz" or ".br"
            for other in same[digest_of[name]][1:]:
                shutil.copyfile(self.path(compressed_name), self.path(other + suffix))
                yield other, other + suffix


class StaticFilesConfig(DjangoStaticFilesConfig):
    # Paths relative to each finder's root: Bootstrap's directory (STATICFILES_DIRS, prefix "bootstrap") lists
    # css/… and js/…; an app's static directory lists <app>/…. A pattern without "/" matches a file's name.
    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "bootstrap-grid*", "bootstrap-reboot*", "bootstrap-utilities*", "bootstrap.rtl*", "bootstrap.esm*",
        "bootstrap.css*", "bootstrap.js*", "bootstrap.min.js*", "bootstrap.bundle.js*",
        "django_htmx/htmx-4*", "django_htmx/htmax-*", "django_htmx/htmx-2.js", "django_htmx/ext/*",
        "drf_spectacular_sidecar/redoc/*",
    ]
