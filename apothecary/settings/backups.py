"""Backups: where `manage.py backup` writes its dated folders (apothecary.core.backup).

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os
from pathlib import Path

from .base import VAR_DIR

# One folder per backup (database, media archive, manifest.json) under this folder. Copy it
# off the machine: a backup on the disk it protects is lost with that disk.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
