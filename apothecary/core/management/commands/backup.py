from django.core.management.base import BaseCommand, CommandError

from apothecary.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media into one dated folder under BACKUP_DIR (or "
        "--to): a PostgreSQL dump or a SQLite copy, a tar.gz of the media when they are on "
        "the local disk, and a manifest.json with each file's sha256. Safe while the site "
        "runs. Copy the folder off the machine afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="DIR", help="Write under DIR, not BACKUP_DIR.")
        parser.add_argument(
            "--no-media", action="store_true", help="The database only, no media archive."
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Then remove the oldest backup folders beyond the N newest.",
        )

    def handle(self, *args, to=None, no_media=False, keep=None, **options):
        try:
            result = backup(to=to, media=not no_media, keep=keep, report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.folder}"))
