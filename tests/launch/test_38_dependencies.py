"""Launch test 38: dependencies and static analysis. bandit finds nothing of high severity and
every medium finding is justified beside its line; Django and Wagtail are the newest patch
releases of their series; the lock is what is installed. (pip-audit needs a vulnerability
database: docs/security.md says how to run it where one answers.)"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("ci_dependencies", ROOT / ".ci" / "dependencies.py")
dependencies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dependencies)


def _bandit(*levels: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "apothecary", *levels, "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)["results"]


def test_38_bandit_finds_no_high_or_unjustified_medium_issue():
    findings = _bandit("-ll")  # medium and high; lines marked "# nosec" are left out
    assert [f"{f['filename']}:{f['line_number']} {f['test_id']}" for f in findings] == []


def test_38_every_bandit_waiver_says_why_beside_it():
    """A "# nosec" line follows a "Reviewed (bandit ...): why" comment, unless what it marks
    safe is a constant string."""
    unexplained = []
    for path in (ROOT / "apothecary").rglob("*.py"):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if "# nosec" not in line:
                continue
            reviewed = number > 0 and "# Reviewed (bandit" in lines[number - 1]
            constant = re.search(r"mark_safe\(('[^'{}]*'|\"[^\"{}]*\")\)", line)
            if not (reviewed or constant):
                unexplained.append(f"{path.relative_to(ROOT)}:{number + 1}")
    assert unexplained == []


def test_38_django_and_wagtail_are_the_newest_patch_of_their_series():
    try:
        problems = dependencies.stale_series(dependencies.locked())
    except RuntimeError as error:
        if os.environ.get("REGISTRY_REQUIRED") == "1":
            pytest.fail(f"{error} (REGISTRY_REQUIRED=1)")
        pytest.skip(f"no package index answers here: {error}")
    assert problems == []


def test_38_an_old_patch_release_is_reported_with_the_newest_one():
    index = {"Django": ["6.0", "5.2.3", "5.2.10", "5.2.2", "5.2rc1"], "wagtail": ["8.0.1", "8.0"]}
    problems = dependencies.stale_series(
        {"django": "5.2.2", "wagtail": "8.0.1"}, lookup=index.__getitem__
    )
    assert problems == ["Django 5.2.2 is not the newest patch release of its series: 5.2.10"]


def test_38_the_lock_is_what_the_virtualenv_has():
    assert dependencies.install_drift(dependencies.locked()) == []


def test_38_an_expired_or_unexplained_waiver_is_reported(tmp_path, monkeypatch):
    waivers = tmp_path / "audit-waivers.txt"
    waivers.write_text(
        "# id until reason\n"
        "PYSEC-2026-1 2026-12-31 the affected function is not called by the store\n"
        "GHSA-xxxx-yyyy 2026-01-01 upstream fix pending\n"
        "CVE-2026-9 2027-01-01\n"
    )
    monkeypatch.setattr(dependencies, "WAIVERS", waivers)

    kept, problems = dependencies.waivers(today=date(2026, 12, 4))

    assert kept == ["PYSEC-2026-1"]
    assert problems == [
        "audit-waivers.txt:3: the waiver of GHSA-xxxx-yyyy ended 2026-01-01",
        "audit-waivers.txt:4: a waiver needs its reason",
    ]
