"""The receivers that keep derived data current are there in every process, whatever it imports."""

import subprocess
import sys

from django.conf import settings

# A process that never loads the URLs (a shell, a worker, a command): its receivers on Theme.
PROBE = """
import sys
import django

django.setup()
from django.db.models.signals import post_delete, post_save
from practices.models import Theme

for signal in (post_save, post_delete):
    print(sorted(key[0] for key, *_rest in signal.receivers if key[1] == id(Theme)))
print("iccar_portal.urls" in sys.modules)
"""


def test_receivers_are_connected_at_start_up_not_by_the_urls():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "iccar_portal.settings.test", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    on_save, on_delete, urls_loaded = result.stdout.splitlines()
    # Renaming a theme: the practices' search text, the filter options and the cached pages.
    assert on_save == "['options-save-Theme', 'pages-save-Theme', 'search-Theme']"
    assert on_delete == "['options-delete-Theme', 'pages-delete-Theme']"
    assert urls_loaded == "False"
