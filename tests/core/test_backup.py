"""manage.py backup and restore (core.backup): a round trip brings back the rows and the media
of the backup; a damaged or foreign backup is refused and changes nothing; --keep prunes.

The same tests run on SQLite (the default run) and on PostgreSQL (DATABASE_URL). They are
transactional: pg_dump sees only committed rows. Every backup goes to the test's tmp_path and
every test has its own MEDIA_ROOT, so pytest-xdist workers never share a folder."""

import hashlib
import io
import json
import logging
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from taggit.models import Tag

from apothecary.core import backup as backups

db_test = pytest.mark.django_db(transaction=True)
OTHER_ENGINE = {"sqlite": "postgresql", "postgresql": "sqlite"}
ENGINE_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "products").mkdir(parents=True)
    (root / "products" / "patch.jpg").write_bytes(b"\xff\xd8 a patch \xff\xd9")
    (root / "notes.txt").write_text("Batch 12 photos.")
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def tags():
    for name in ("Energy", "Sleep", "Focus"):
        Tag.objects.create(name=name, slug=name.lower())


def rows():
    return sorted(Tag.objects.values_list("name", "slug"))


def files(root):
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def run(*args, **kwargs):
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def make_backup(tmp_path, *args):
    output = run("backup", "--to", str(tmp_path / "backups"), *args)
    last = output.strip().splitlines()[-1]
    assert last.startswith("Backup written to ")
    return tmp_path / "backups" / last.rsplit("/", 1)[-1], output


def change_everything(media):
    Tag.objects.filter(slug="energy").delete()
    Tag.objects.create(name="Immunity", slug="immunity")
    Tag.objects.filter(slug="sleep").update(name="Deep sleep")
    (media / "products" / "patch.jpg").unlink()
    (media / "later.txt").write_text("Uploaded after the backup.")


def rewrite_manifest(folder, **changes):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


@db_test
def test_a_restore_brings_back_the_rows_and_the_media_of_the_backup(tmp_path, media, tags, caplog):
    caplog.set_level(logging.INFO, logger="apothecary.core.backup")
    rows_before, media_before = rows(), files(media)

    folder, output = make_backup(tmp_path)
    change_everything(media)
    assert rows() != rows_before and files(media) != media_before
    restored = run("restore", str(folder), "--yes")

    assert rows() == rows_before
    assert ("Energy", "energy") in rows() and ("Immunity", "immunity") not in rows()
    assert files(media) == media_before
    assert list(media.parent.glob("media.before-restore-*")) == []  # the old media, removed
    assert "Media: 2 file(s)" in output and f"Database: {ENGINE_NAME[connection.vendor]}" in output
    assert "Media: 2 file(s) restored" in restored and "Database:" in restored
    assert [r.getMessage().split(" ")[0] for r in caplog.records] == ["backup", "backup"]
    assert "restored" in caplog.records[-1].getMessage()


@db_test
def test_the_manifest_names_the_engine_the_migrations_and_each_files_checksum(tmp_path, media):
    folder, _output = make_backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())

    database_file = backups.DATABASE_FILES[connection.vendor]
    assert manifest["engine"] == connection.vendor
    assert manifest["created"].endswith("Z") and folder.name.startswith(manifest["created"][:10])
    assert set(manifest["files"]) == {database_file, "media.tar.gz"}
    for name, entry in manifest["files"].items():
        content = (folder / name).read_bytes()
        assert entry == {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    leaves = MigrationLoader(connection).graph.leaf_nodes()
    assert ("taggit", manifest["migrations"]["taggit"]) in leaves
    assert ("core", manifest["migrations"]["core"]) in leaves
    with tarfile.open(folder / "media.tar.gz") as archive:
        assert sorted(archive.getnames()) == ["notes.txt", "products", "products/patch.jpg"]


@db_test
@pytest.mark.parametrize("damaged", ["database", "media.tar.gz"])
def test_a_changed_file_is_refused_and_nothing_is_restored(tmp_path, media, tags, damaged):
    folder, _output = make_backup(tmp_path)
    change_everything(media)
    rows_after, media_after = rows(), files(media)
    name = backups.DATABASE_FILES[connection.vendor] if damaged == "database" else damaged
    content = bytearray((folder / name).read_bytes())
    content[len(content) // 2] ^= 0xFF  # same size, one byte changed
    (folder / name).write_bytes(bytes(content))

    with pytest.raises(CommandError) as refused:
        run("restore", str(folder), "--yes")

    assert str(refused.value) == (
        f"{name} does not match its sha256 in the manifest: the file is damaged or was changed."
    )
    assert rows() == rows_after and files(media) == media_after


@db_test
def test_a_missing_file_is_refused(tmp_path, media):
    folder, _output = make_backup(tmp_path)
    (folder / "media.tar.gz").unlink()

    with pytest.raises(CommandError, match=r"^media.tar.gz is missing from the backup "):
        run("restore", str(folder), "--yes")


@db_test
def test_a_backup_of_the_other_engine_is_refused(tmp_path, media, tags):
    folder, _output = make_backup(tmp_path)
    other = OTHER_ENGINE[connection.vendor]
    rewrite_manifest(folder, engine=other)
    Tag.objects.create(name="Immunity", slug="immunity")

    with pytest.raises(CommandError) as refused:
        run("restore", str(folder), "--yes")

    assert str(refused.value) == (
        f"The backup holds a {ENGINE_NAME[other]} database but the configured database is "
        f"{ENGINE_NAME[connection.vendor]}: restore it into a {ENGINE_NAME[other]} database."
    )
    assert ("Immunity", "immunity") in rows()


@db_test
def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path):
    (tmp_path / "photos").mkdir()

    with pytest.raises(CommandError, match="has no manifest.json: it is not a backup folder"):
        run("restore", str(tmp_path / "photos"), "--yes")


def replace_file(folder, name, data):
    """Write `data` as the backup's file `name`, with a manifest entry that matches it."""
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


@db_test
def test_a_failed_media_extraction_puts_the_old_media_back(tmp_path, media, tags):
    folder, _output = make_backup(tmp_path)
    change_everything(media)
    rows_after, media_after = rows(), files(media)
    (tmp_path / "payload.txt").write_text("outside")
    evil = tmp_path / "evil.tar.gz"  # an archive writing out of MEDIA_ROOT
    with tarfile.open(evil, "w:gz") as archive:
        archive.add(tmp_path / "payload.txt", arcname="notes.txt")
        archive.add(tmp_path / "payload.txt", arcname="../escaped.txt")
    replace_file(folder, "media.tar.gz", evil.read_bytes())

    with pytest.raises(CommandError, match="^Restore failed, the database and media are as"):
        run("restore", str(folder), "--yes")

    assert files(media) == media_after
    assert not (tmp_path / "escaped.txt").exists()
    assert list(tmp_path.glob("media.before-restore-*")) == []
    assert rows() == rows_after


@db_test
def test_a_database_that_fails_to_restore_puts_the_old_media_back(tmp_path, media, tags):
    folder, _output = make_backup(tmp_path)
    change_everything(media)
    rows_after, media_after = rows(), files(media)
    name = backups.DATABASE_FILES[connection.vendor]
    replace_file(folder, name, b"not a database, though its checksum matches" * 100)

    with pytest.raises(CommandError) as failed:
        run("restore", str(folder), "--yes")

    assert str(failed.value).startswith("Restore failed, the database and media are as they were: ")
    assert files(media) == media_after
    assert list(tmp_path.glob("media.before-restore-*")) == []
    assert rows() == rows_after


@db_test
def test_restore_without_yes_and_without_a_terminal_refuses(tmp_path, media, tags, monkeypatch):
    folder, _output = make_backup(tmp_path)
    Tag.objects.create(name="Immunity", slug="immunity")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped, not typed

    with pytest.raises(CommandError, match="pass --yes to confirm"):
        run("restore", str(folder))

    assert ("Immunity", "immunity") in rows()


class Terminal(io.StringIO):
    def isatty(self):
        return True


@db_test
def test_restore_asks_on_a_terminal_and_an_answer_other_than_yes_cancels(
    tmp_path, media, tags, monkeypatch
):
    folder, _output = make_backup(tmp_path)
    Tag.objects.create(name="Immunity", slug="immunity")
    monkeypatch.setattr("sys.stdin", Terminal("no\n"))

    with pytest.raises(CommandError, match="^Restore cancelled: nothing was changed."):
        run("restore", str(folder))
    assert ("Immunity", "immunity") in rows()

    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    run("restore", str(folder))
    assert ("Immunity", "immunity") not in rows()


@db_test
def test_restore_says_when_the_code_has_migrations_the_backup_lacks(tmp_path, media):
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="taggit").latest("applied", "id").name
    try:
        recorder.record_unapplied("taggit", latest)  # as if backed up before that migration
        folder, _output = make_backup(tmp_path)
        recorder.record_applied("taggit", latest)

        restored = run("restore", str(folder), "--yes")

        assert (
            "Note: 1 migration(s) of this code are not applied in the restored database: run "
            "manage.py migrate before starting the site." in restored
        )
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["migrations"]["taggit"] != latest
    finally:  # the flush after the test keeps django_migrations: leave it as the schema is
        if not recorder.migration_qs.filter(app="taggit", name=latest).exists():
            recorder.record_applied("taggit", latest)


@db_test
def test_keep_removes_the_oldest_backups_beyond_n(tmp_path, media):
    root = tmp_path / "backups"
    for stamp in ("2026-01-01T000000Z", "2026-02-01T000000Z", "2026-03-01T000000Z"):
        (root / stamp).mkdir(parents=True)
        created = f"{stamp[:13]}:00:00Z"
        (root / stamp / "manifest.json").write_text(json.dumps({"created": created}))
    (root / "2025-12-01-notes").mkdir()  # no manifest: not a backup, never removed

    folder, output = make_backup(tmp_path, "--keep", "2")

    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["2025-12-01-notes", "2026-03-01T000000Z", folder.name]
    )
    assert f"Removed the old backup {root / '2026-01-01T000000Z'}." in output
    assert f"Removed the old backup {root / '2026-02-01T000000Z'}." in output


@db_test
def test_two_backups_in_one_second_get_two_folders(tmp_path, media):
    first, _ = make_backup(tmp_path)
    second, _ = make_backup(tmp_path)

    assert first != second
    assert (first / "manifest.json").is_file() and (second / "manifest.json").is_file()


@db_test
def test_media_in_an_object_store_are_not_archived(tmp_path, settings, tags):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    folder, output = make_backup(tmp_path)

    assert "Media: they live in the object store and are not archived here" in output
    assert not (folder / "media.tar.gz").exists()
    assert json.loads((folder / "manifest.json").read_text())["media"] == "object-store"


@db_test
def test_no_media_writes_the_database_only_and_restore_leaves_the_media(tmp_path, media, tags):
    folder, output = make_backup(tmp_path, "--no-media")
    change_everything(media)
    media_after = files(media)

    restored = run("restore", str(folder), "--yes")

    assert "Media: not archived (--no-media)." in output
    assert not (folder / "media.tar.gz").exists()
    assert ("Energy", "energy") in rows()
    assert files(media) == media_after
    assert "the backup has no media archive" in restored


@db_test
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump serves PostgreSQL only")
def test_without_pg_dump_the_backup_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(CommandError) as refused:
        run("backup", "--to", str(tmp_path / "backups"))

    assert "pg_dump is not installed: install Debian's postgresql-client" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not (tmp_path / "backups").exists()


def test_the_database_password_goes_in_the_environment_not_on_the_command_line():
    command, env = backups.pg_command(
        "pg_dump",
        {"HOST": "db.internal", "PORT": 5433, "USER": "shop", "PASSWORD": "s3cret-pass"},
        "--dbname=shop",
    )

    assert not any("s3cret-pass" in argument for argument in command)
    assert env["PGPASSWORD"] == "s3cret-pass"
    assert command[:4] == ["pg_dump", "--host=db.internal", "--port=5433", "--username=shop"]
