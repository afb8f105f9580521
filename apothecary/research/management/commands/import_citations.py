"""manage.py import_citations FILE [FILE …] [--no-update] [--quiet]

Imports RIS (.ris), BibTeX (.bib), PubMed MEDLINE (.nbib, or .txt as PubMed saves it) and
PubMed XML (.xml) files into the research library, with the same rules as the admin's "Import
citations" page (see research/services.py). Safe to re-run: a citation already in the library
(same DOI or PMID) is updated or skipped, never duplicated.

Prints one line per file (created / updated / skipped / failed), the totals, then one line per
failed record with its file, record number and reason.

Exit status: 0 when every file could be read, even if some records in them failed (they are
listed); non-zero (CommandError) when at least one file could not be read at all (missing,
binary, not well formed), in which case nothing from that file was written but the other
files were imported."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apothecary.research.services import FileSummary, RecordFailure, citations_import


class Command(BaseCommand):
    help = (
        "Import citations from RIS, BibTeX, PubMed MEDLINE (.nbib) or PubMed XML files. "
        "Matches existing citations by DOI, then PMID."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="files to import")
        parser.add_argument(
            "--no-update",
            action="store_true",
            help="leave citations already in the library as they are (they count as skipped)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, files, no_update, quiet, **options):
        readable: list[tuple[str, bytes]] = []
        unreadable: list[FileSummary] = []
        for name in files:
            path = Path(name)
            try:
                readable.append((path.name, path.read_bytes()))
            except FileNotFoundError:
                unreadable.append(FileSummary(filename=path.name, error="no such file"))
            except (IsADirectoryError, PermissionError, OSError) as error:
                unreadable.append(
                    FileSummary(filename=path.name, error=error.strerror or "unreadable")
                )

        bar = tqdm(unit="record", disable=quiet or None, leave=False)  # None: off when not a TTY

        current = {"file": None}

        def progress(filename: str, done: int, total: int) -> None:
            if bar.disable:
                return
            if current["file"] != filename:
                current["file"] = filename
                bar.reset(total=total)
                bar.set_description(filename)
            bar.update(done - bar.n)

        try:
            summary = citations_import(
                files=readable, update_existing=not no_update, progress=progress
            )
        finally:
            bar.close()

        for file in summary.files + unreadable:
            if file.error:
                self.stdout.write(f"{file.filename}: could not be read, nothing imported")
            else:
                self.stdout.write(
                    f"{file.filename} ({file.format_label}): {file.created} created, "
                    f"{file.updated} updated, {file.skipped} skipped, {file.failed} failed"
                )
        failed_files = summary.failed_files + unreadable
        self.stdout.write(
            f"Total: {summary.created} created, {summary.updated} updated, "
            f"{summary.skipped} skipped, {summary.failed} failed"
            + (f"; {len(failed_files)} file(s) could not be read" if failed_files else "")
        )
        failures = summary.failures + [RecordFailure(f.filename, "", f.error) for f in unreadable]
        if failures:
            self.stdout.write("Failed:")
            for failure in failures:
                self.stdout.write(f"  {failure}")
        if failed_files:
            noun = "file" if len(failed_files) == 1 else "files"
            raise CommandError(
                f"{len(failed_files)} {noun} could not be imported: "
                + ", ".join(f.filename for f in failed_files)
            )
