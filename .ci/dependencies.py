"""Dependency check for CI (launch test 38), without a vulnerability database.

1. Django and Wagtail in requirements.lock are the newest patch release of their series, as
   the package index (PyPI, or the mirror pip is configured with) lists them: security fixes
   reach a series as patch releases, so an old patch release is the likeliest known hole.
2. Every pin of requirements.lock is what the virtualenv has, and `pip check` finds no broken
   requirement.
3. Where a vulnerability database answers, `pip-audit -r requirements.lock` is the full
   check (docs/security.md says how); this script runs it when pip-audit is installed and
   --audit is given, honouring the dated waivers of .ci/audit-waivers.txt.

Exit status 0 when every check passes, 1 otherwise; each problem is printed on a line.
"""

import argparse
import re
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
WAIVERS = Path(__file__).resolve().parent / "audit-waivers.txt"
WATCHED = ("Django", "wagtail")


def locked() -> dict[str, str]:
    """Package name (lower case) -> pinned version, from requirements.lock."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def released_versions(package: str) -> list[str]:
    """Versions the package index lists, newest first (`pip index versions`)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", package],
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = re.search(r"Available versions: (.+)", result.stdout)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"the package index did not list {package}: {result.stderr.strip()}")
    return [v.strip() for v in match.group(1).split(",")]


def _release(version: str) -> tuple[int, ...] | None:
    """(major, minor, patch) of a final release; None for a pre-release."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        return None
    parts = tuple(int(p) for p in version.split("."))
    return parts + (0,) * (3 - len(parts))


def newest_patch(version: str, available: list[str]) -> str:
    """The newest final release of `version`'s series (same major.minor) in `available`."""
    mine = _release(version)
    same_series = [v for v in available if (r := _release(v)) and r[:2] == mine[:2]]
    return max(same_series + [version], key=_release)


def stale_series(pins: dict[str, str], lookup=released_versions) -> list[str]:
    problems = []
    for package in WATCHED:
        version = pins.get(package.lower())
        if version is None:
            problems.append(f"{package} is not pinned in {LOCK.name}")
            continue
        newest = newest_patch(version, lookup(package))
        if newest != version:
            problems.append(
                f"{package} {version} is not the newest patch release of its series: {newest}"
            )
    return problems


def install_drift(pins: dict[str, str]) -> list[str]:
    problems = []
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}=={version} is pinned but not installed")
            continue
        if installed != version:
            problems.append(f"{name} is pinned at {version} but {installed} is installed")
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    if check.returncode != 0:
        problems += [f"pip check: {line}" for line in check.stdout.splitlines() if line.strip()]
    return problems


def waivers(today: date | None = None) -> tuple[list[str], list[str]]:
    """(vulnerability ids waived until a date not yet passed, problems with the file).
    Each line: ID  YYYY-MM-DD  reason."""
    today = today or date.today()
    kept, problems = [], []
    if not WAIVERS.exists():
        return kept, problems
    for number, line in enumerate(WAIVERS.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        try:
            until = date.fromisoformat(parts[1])
        except (IndexError, ValueError):
            problems.append(f"{WAIVERS.name}:{number}: write 'ID YYYY-MM-DD reason'")
            continue
        if len(parts) < 3:
            problems.append(f"{WAIVERS.name}:{number}: a waiver needs its reason")
        elif until < today:
            problems.append(f"{WAIVERS.name}:{number}: the waiver of {parts[0]} ended {until}")
        else:
            kept.append(parts[0])
    return kept, problems


def audit() -> list[str]:
    waived, problems = waivers()
    command = [sys.executable, "-m", "pip_audit", "-r", str(LOCK), "--disable-pip", "--no-deps"]
    for vulnerability in waived:
        command += ["--ignore-vuln", vulnerability]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        problems.append("pip-audit: " + (result.stdout + result.stderr).strip())
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--audit", action="store_true", help="also run pip-audit (needs network)")
    args = parser.parse_args(argv)
    pins = locked()
    problems = stale_series(pins) + install_drift(pins) + waivers()[1]
    if args.audit:
        problems += audit()
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if not problems:
        sys.stdout.write(
            "dependencies: "
            + ", ".join(f"{p} {pins[p.lower()]}" for p in WATCHED)
            + " are the newest patch releases; the lock matches the virtualenv\n"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
