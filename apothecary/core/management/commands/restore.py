import sys

from django.core.management.base import BaseCommand, CommandError

from apothecary.core.backup import ENGINE_NAMES, MEDIA_ARCHIVE, BackupError, check, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by manage.py backup: checks its manifest (files, "
        "sha256, database engine), asks to confirm, then replaces the configured database "
        "and the media in MEDIA_ROOT with the backup's. Stop the site and the task worker "
        "first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup folder (the one holding manifest.json).")
        parser.add_argument("--yes", action="store_true", help="Do not ask to confirm.")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, path, yes=False, no_media=False, **options):
        try:
            manifest = check(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        engine = ENGINE_NAMES[manifest["engine"]]
        with_media = not no_media and MEDIA_ARCHIVE in manifest["files"]
        self.stdout.write(
            f"Backup of {manifest['created']}: {engine}, Apothecary {manifest.get('apothecary')}, "
            f"Django {manifest.get('django')}, media {manifest.get('media')}."
        )
        if not yes:
            self._confirm(engine, with_media)
        try:
            result = restore(path, media=not no_media, report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {result.folder}"))

    def _confirm(self, engine, with_media):
        if not sys.stdin.isatty():
            raise CommandError(
                "Restore replaces the database: pass --yes to confirm (there is no terminal "
                "to ask on)."
            )
        what = f"the {engine} database" + (" and the media" if with_media else "")
        answer = input(f"This replaces {what} with the backup's. Type yes to go on: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing was changed.")
