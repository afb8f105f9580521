"""Backups of the store: the database and the media in one dated folder, and their restore.

- `backup(to=..., media=True, keep=None)` writes `<BACKUP_DIR>/2026-12-07T225012Z/`: the
  database (PostgreSQL: `pg_dump --format=custom`; SQLite: the online backup API, safe while
  the site runs), the media as `media.tar.gz` when they are on the local disk, and
  `manifest.json` (time, engine, versions, the latest applied migration per app, each file's
  size and sha256). It is written last: a folder without one is not a backup. `keep` then
  removes the oldest backup folders beyond that many.
- `check(folder)` reads a backup's manifest and verifies it against its files and the
  configured database; `restore(folder, media=True)` checks, then puts the media and the
  database back (PostgreSQL: `pg_restore --clean --single-transaction`; SQLite: the backup
  API from the file into the live database). The old media wait in a sibling folder until
  the database is restored, and go back in place if anything fails.

Both take `report`, called with one line per thing done, and return what they did. Errors an
operator can fix are a `BackupError` with a one-line message (the commands show it as is).
The commands are `manage.py backup` and `manage.py restore`."""

import hashlib
import json
import logging
import os
import shutil
import sqlite3

# Reviewed (bandit B404): pg_dump and pg_restore run from argument lists, never a shell.
import subprocess  # nosec B404
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# libpq reads these from the environment: connection options of DATABASES["default"] that
# pg_dump and pg_restore must use too.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    """A backup or a restore that cannot go on, said in one line an operator can act on."""


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    steps: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    folder: Path
    manifest: dict
    steps: list[str] = field(default_factory=list)


class _Steps(list):
    """The lines of what was done, passed on to `report` as they happen."""

    def __init__(self, report):
        super().__init__()
        self.report = report

    def add(self, line):
        self.append(line)
        if self.report:
            self.report(line)


def _database():
    connection = connections["default"]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups handle PostgreSQL and SQLite, not {vendor}.")
    return connection, vendor


def _media_root():
    """The local folder of the media, or None when they live elsewhere (an object store)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size(n):
    for unit in ("bytes", "KB", "MB"):
        if n < 1024:
            return f"{n} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _app_version():
    try:
        return version("apothecary")
    except PackageNotFoundError:
        return "unknown"


# PostgreSQL: pg_dump and pg_restore with the settings' connection.


def _program(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install Debian's postgresql-client package "
            "(apt-get install postgresql-client), of the server's major version or newer."
        )
    return path


def pg_command(program, settings_dict, *arguments):
    """The argument list and environment that run `program` against `settings_dict`'s
    database: host, port, user and name as arguments, the password in PGPASSWORD only (a
    command line is visible to every user of the machine)."""
    command = [program]
    if settings_dict.get("HOST"):
        command.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        command.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        command.append(f"--username={settings_dict['USER']}")
    command += ["--no-password", *arguments]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in PG_OPTION_VARIABLES.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return command, env


def _run(program, command, env):
    """Run an argument list (no shell); a failure is one line: the program's last error."""
    # Reviewed (bandit B603): a fixed program and arguments from settings, no shell.
    result = subprocess.run(  # nosec B603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith(f"{program}: error:")]
        reason = (errors or lines or [f"exit status {result.returncode}"])[-1]
        raise BackupError(f"{program} failed: {reason}")


def _pg_dump(settings_dict, target):
    command, env = pg_command(
        _program("pg_dump"),
        settings_dict,
        "--format=custom",
        f"--file={target}",
        f"--dbname={settings_dict['NAME']}",
    )
    _run("pg_dump", command, env)


def _pg_restore(settings_dict, source):
    command, env = pg_command(
        _program("pg_restore"),
        settings_dict,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={settings_dict['NAME']}",
        str(source),
    )
    _run("pg_restore", command, env)


# SQLite: the online backup API, page by page under SQLite's own locks.


def _sqlite_connect(name):
    # As Django opens it: a "file:" name is a URI (the test suite's shared in-memory one).
    return sqlite3.connect(name, uri=True, timeout=30)


def _sqlite_copy(source_name, target_name, *, source_uri=True, target_uri=True):
    source = _sqlite_connect(source_name) if source_uri else sqlite3.connect(source_name)
    try:
        target = _sqlite_connect(target_name) if target_uri else sqlite3.connect(target_name)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_dump(settings_dict, target):
    _sqlite_copy(settings_dict["NAME"], str(target), target_uri=False)
    copy = sqlite3.connect(target)
    try:
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()
    if verdict != "ok":
        raise BackupError(f"The SQLite copy failed its integrity check: {verdict}")


def _sqlite_restore(settings_dict, source):
    _sqlite_copy(str(source), settings_dict["NAME"], source_uri=False)


# Media: a tar.gz of the folder, and its extraction.


def _archive_media(media_root, target):
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
            count = sum(1 for path in media_root.rglob("*") if path.is_file())
    return count


def _move_children(source, target):
    target.mkdir(parents=True, exist_ok=True)
    for child in list(source.iterdir()):
        shutil.move(child, target / child.name)


def _empty(folder):
    for child in list(folder.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _latest_migrations(connection):
    latest = {}
    rows = MigrationRecorder(connection).migration_qs.order_by("applied", "id")
    for app, name in rows.values_list("app", "name"):
        latest[app] = name
    return dict(sorted(latest.items()))


def _folder_for(root, moment):
    stamp = moment.strftime("%Y-%m-%dT%H%M%SZ")
    folder, n = root / stamp, 1
    while folder.exists():
        n += 1
        folder = root / f"{stamp}-{n}"
    return folder


def backup(*, to=None, media=True, keep=None, report=None):
    """Write one backup folder under `to` (default BACKUP_DIR); then, if `keep`, remove the
    oldest backup folders beyond that many. Returns a BackupResult."""
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1 (the backup just made is kept).")
    connection, vendor = _database()
    settings_dict = connection.settings_dict
    if vendor == "postgresql":
        _program("pg_dump")  # before anything is written
    root = Path(to or settings.BACKUP_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot create the backup folder {root}: {error.strerror}") from error
    moment = datetime.now(UTC).replace(microsecond=0)
    folder = _folder_for(root, moment)
    folder.mkdir()
    steps = _Steps(report)
    try:
        database_file = folder / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            _pg_dump(settings_dict, database_file)
        else:
            _sqlite_dump(settings_dict, database_file)
        steps.add(
            f"Database: {ENGINE_NAMES[vendor]} {settings_dict['NAME']} copied to "
            f"{database_file.name} ({_size(database_file.stat().st_size)})."
        )
        media_root = _media_root()
        if not media:
            media_kind = "skipped"
            steps.add("Media: not archived (--no-media).")
        elif media_root is None:
            media_kind = "object-store"
            steps.add(
                "Media: they live in the object store and are not archived here; the "
                "bucket's versioning keeps their history."
            )
        else:
            media_kind = "archive"
            archive = folder / MEDIA_ARCHIVE
            count = _archive_media(media_root, archive)
            steps.add(
                f"Media: {count} file(s) of {media_root} archived to {archive.name} "
                f"({_size(archive.stat().st_size)})."
            )
        manifest = {
            "format": FORMAT,
            "created": moment.isoformat().replace("+00:00", "Z"),
            "engine": vendor,
            "database": str(settings_dict["NAME"]),
            "django": django.get_version(),
            "apothecary": _app_version(),
            "media": media_kind,
            "migrations": _latest_migrations(connection),
            "files": {
                path.name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                for path in sorted(folder.iterdir())
            },
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        steps.add(f"Manifest: {MANIFEST} with the size and sha256 of each file.")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    removed = prune(root, keep=keep, report=steps.add) if keep else []
    # The folder's name apart from its parent: after a "/" the log filter takes it for a token.
    logger.info(
        "backup %s written in %s (%s, media %s, %d old removed)",
        folder.name,
        folder.parent,
        vendor,
        media_kind,
        len(removed),
    )
    return BackupResult(folder=folder, manifest=manifest, steps=list(steps), removed=removed)


def _backups_in(root):
    """The backup folders under root (those with a readable manifest), oldest first."""
    found = []
    for folder in root.iterdir() if root.is_dir() else ():
        path = folder / MANIFEST
        if not folder.is_dir() or not path.is_file():
            continue
        try:
            created = str(json.loads(path.read_text()).get("created", ""))
        except (OSError, ValueError, AttributeError):
            continue  # not one of ours, or damaged: never removed by pruning
        found.append((created, folder.name, folder))
    return [folder for _created, _name, folder in sorted(found)]


def prune(root, *, keep, report=None):
    """Remove the oldest backup folders under root beyond `keep`; returns those removed."""
    folders = _backups_in(Path(root))
    removed = folders[: max(len(folders) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder)
        if report:
            report(f"Removed the old backup {folder}.")
    return removed


def check(folder):
    """The manifest of the backup in `folder`, once its files and engine are verified."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"No backup folder at {folder}.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a backup folder.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder / MANIFEST} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a manifest of format {FORMAT}.")
    files = manifest.get("files")
    engine = manifest.get("engine")
    if not isinstance(files, dict) or engine not in DATABASE_FILES:
        raise BackupError(f"{folder / MANIFEST} lacks its files or its database engine.")
    _connection, vendor = _database()
    if engine != vendor:
        raise BackupError(
            f"The backup holds a {ENGINE_NAMES[engine]} database but the configured database "
            f"is {ENGINE_NAMES[vendor]}: restore it into a {ENGINE_NAMES[engine]} database."
        )
    if DATABASE_FILES[engine] not in files:
        raise BackupError(f"The manifest lists no database file ({DATABASE_FILES[engine]}).")
    for name, expected in files.items():
        path = folder / name
        if Path(name).name != name or name in {"", ".", ".."}:
            raise BackupError(f"The manifest names a file outside its folder: {name!r}.")
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup {folder}.")
        if not isinstance(expected, dict) or path.stat().st_size != expected.get("size"):
            raise BackupError(f"{name} is not the size the manifest says: the file is damaged.")
        if _sha256(path) != expected.get("sha256"):
            raise BackupError(
                f"{name} does not match its sha256 in the manifest: the file is damaged "
                "or was changed."
            )
    return manifest


def restore(folder, *, media=True, report=None):
    """Put the backup in `folder` back: its media into MEDIA_ROOT (unless media=False or
    the backup has none), its database over the configured one. Returns a RestoreResult."""
    folder = Path(folder)
    manifest = check(folder)
    connection, vendor = _database()
    settings_dict = connection.settings_dict
    if vendor == "postgresql":
        _program("pg_restore")
    has_archive = MEDIA_ARCHIVE in manifest["files"]
    media_root = _media_root()
    if media and has_archive and media_root is None:
        raise BackupError(
            "The backup holds a media archive but the media now live in the object store: "
            "pass --no-media to restore the database only."
        )
    steps = _Steps(report)
    aside, cleared, media_line = None, False, None
    try:
        if media and has_archive:
            media_root.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            _move_children(media_root, aside)
            cleared = True  # from here MEDIA_ROOT holds only what the archive puts there
            with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
                # The "data" filter refuses absolute paths, links out of the folder, devices.
                archive.extractall(media_root, filter="data")
            count = sum(1 for path in media_root.rglob("*") if path.is_file())
            media_line = f"Media: {count} file(s) restored into {media_root}."
        connections.close_all()  # Django reconnects on the next query
        database_file = folder / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            _pg_restore(settings_dict, database_file)
        else:
            _sqlite_restore(settings_dict, database_file)
        steps.add(
            f"Database: {ENGINE_NAMES[vendor]} {settings_dict['NAME']} restored from "
            f"{database_file.name} (backup of {manifest.get('created')})."
        )
    except BaseException as error:
        if aside is not None and aside.exists():
            if cleared:
                _empty(media_root)
            _move_children(aside, media_root)
            aside.rmdir()
        if isinstance(error, (BackupError, tarfile.TarError, OSError, sqlite3.Error)):
            raise BackupError(
                f"Restore failed, the database and media are as they were: {error}"
            ) from error
        raise
    if aside is not None:
        shutil.rmtree(aside)
        steps.add(media_line)
    if not media:
        steps.add("Media: not restored (--no-media).")
    elif not has_archive:
        steps.add(f"Media: the backup has no media archive (media {manifest.get('media')}).")
    executor = MigrationExecutor(connections["default"])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        steps.add(
            f"Note: {len(unapplied)} migration(s) of this code are not applied in the "
            "restored database: run manage.py migrate before starting the site."
        )
    logger.info(
        "backup %s in %s restored (%s, media %s)",
        folder.name,
        folder.parent,
        vendor,
        "restored" if aside is not None else "untouched",
    )
    return RestoreResult(folder=folder, manifest=manifest, steps=list(steps))
