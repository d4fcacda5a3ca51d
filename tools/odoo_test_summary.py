"""Summarise an Odoo test run's log; exit 1 on any failure, error or skipped tour.

Odoo's runner logs "N failed, M error(s) of K tests" per phase and ERROR lines for
each failing test; a tour that cannot run is logged as a skip."""

import re
import sys

SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
SKIPPED_TOUR = re.compile(
    r"websocket-client module is not installed|Chrome executable not found"
)


def main(path):
    failed = errors = tests = 0
    problems = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            if match := SUMMARY.search(line):
                failed += int(match[1])
                errors += int(match[2])
                tests += int(match[3])
            if ERROR.match(line) or SKIPPED_TOUR.search(line):
                problems.append(line.rstrip())
    print("\n".join(problems[:50]))
    print(f"odoo tests: {tests} run, {failed} failed, {errors} errors")
    return 1 if failed or errors or problems or not tests else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
