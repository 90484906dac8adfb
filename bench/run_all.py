"""Run every benchmark under bench/ in turn and print their figures (``make bench``).

Pass --database-url to run them against PostgreSQL instead of a temporary SQLite file.
"""

import subprocess
import sys
from pathlib import Path

BENCHES = ["stakeholder_lists.py", "records_search.py", "survey_responses.py", "survey_scale.py", "load_faults.py"]


def main():
    here = Path(__file__).resolve().parent
    failed = 0
    for name in BENCHES:
        print(f"=== {name}", flush=True)
        failed |= subprocess.call([sys.executable, str(here / name), *sys.argv[1:]])
    return failed


if __name__ == "__main__":
    sys.exit(main())
