"""scripts/audit-dependencies.sh: a loud NOT RUN when offline, a failure on any vulnerability.

pip-audit cannot reach a vulnerability database from our machines (RELIABILITY.md 3.8), so these
tests stand a fake pip-audit in its place that answers as the real one does in each situation.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "audit-dependencies.sh"

FAKE = """#!/bin/sh
case "$*" in
  *--strict*) echo "ERROR: strict" >&2; exit {strict_rc} ;;
esac
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then cp "{report}" "$2"; fi
  shift
done
exit 0
"""


def run_with_report(tmp_path, dependencies, *, strict_rc=1):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    fake = venv / "bin" / "pip-audit"
    fake.write_text(FAKE.format(strict_rc=strict_rc, report=report))
    fake.chmod(0o755)
    (venv / "bin" / "python").symlink_to(sys.executable)
    return subprocess.run(  # noqa: S603
        ["sh", str(SCRIPT)],  # noqa: S607
        env={**os.environ, "VENV": str(venv)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def skipped(name):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}


def test_no_vulnerability_database_is_a_loud_skip_not_a_failure(tmp_path):
    result = run_with_report(tmp_path, [skipped("flask"), skipped("werkzeug")])
    assert result.returncode == 0
    assert "dependency audit: NOT RUN (no vulnerability DB reachable)" in result.stdout


def test_a_known_vulnerability_fails_the_audit(tmp_path):
    vulnerable = {"name": "flask", "version": "0.1", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["9.9"]}]}
    result = run_with_report(tmp_path, [vulnerable, {"name": "werkzeug", "version": "3.1.9", "vulns": []}])
    assert result.returncode == 1
    assert "VULNERABLE: flask 0.1: PYSEC-0000-1" in result.stdout
    assert "NOT RUN" not in result.stdout


def test_a_partial_audit_fails_as_strict_demands(tmp_path):
    result = run_with_report(tmp_path, [skipped("private-package"), {"name": "flask", "version": "3.1.3", "vulns": []}])
    assert result.returncode == 1
    assert "1 of 2 dependencies could not be audited" in result.stdout


def test_a_clean_strict_run_passes(tmp_path):
    result = run_with_report(tmp_path, [], strict_rc=0)
    assert result.returncode == 0
    assert "dependency audit: passed" in result.stdout
