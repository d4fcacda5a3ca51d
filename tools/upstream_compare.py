"""Compare two pytest JUnit reports of Odoo's own test suites: one run on a
database without psa_workflow (or the baseline kept for this Odoo), one on a
database with it installed.

    python3 tools/upstream_compare.py WITHOUT.xml|BASELINE.tsv WITH.xml [NODEIDS DIR...]

Prints both counts and every test that passes without the addon and fails
(or errors) with it; exits 1 if there is any, or if a report ran no test.
With NODEIDS and the modules' test folders, writes the pytest node ids of
those tests to NODEIDS (to run them again apart: a test that depends on the
order of a whole run is told from a regression).
"""

import sys

from upstream_baseline import results_of


def outcomes(path):
    """``{test id: "passed" | "failed" | "skipped"}`` of a JUnit report or of
    a kept baseline (tools/upstream_baseline.py)."""
    return {test_id: outcome for test_id, (outcome, _s) in results_of(path).items()}


def counts(results):
    tally = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in results.values():
        tally[outcome] += 1
    return tally


def node_id(test_id, test_dirs):
    """``addons.account.tests.test_x.TestX::test_y`` as a pytest node id
    under the test folder of its module."""
    classname, name = test_id.split("::", 1)
    parts = classname.split(".")
    index = parts.index("tests")
    module, filename, classes = parts[index - 1], parts[index + 1], parts[index + 2 :]
    folder = next(d for d in test_dirs if d.rstrip("/").split("/")[-2] == module)
    return "::".join([f"{folder}/{filename}.py", *classes, name.split("[")[0]])


def main(without_path, with_path, nodeids_path=None, test_dirs=()):
    without, with_addon = outcomes(without_path), outcomes(with_path)
    for label, results in (
        ("without psa_workflow", without),
        ("with psa_workflow", with_addon),
    ):
        tally = counts(results)
        print(
            f"{label}: {len(results)} tests, {tally['passed']} passed, "
            f"{tally['failed']} failed, {tally['skipped']} skipped"
        )
    regressions = sorted(
        test_id
        for test_id, outcome in with_addon.items()
        if outcome == "failed" and without.get(test_id) == "passed"
    )
    missing = sorted(
        test_id
        for test_id, outcome in without.items()
        if outcome == "passed" and test_id not in with_addon
    )
    for test_id in regressions:
        print(f"REGRESSION (passes without psa_workflow, fails with it): {test_id}")
    for test_id in missing:
        print(f"NOT RUN with psa_workflow (passes without it): {test_id}")
    if not without or not with_addon:
        print("a run executed no test")
        return 1
    print(
        f"{len(regressions)} regressions, {len(missing)} tests not run with the addon"
    )
    if nodeids_path:
        with open(nodeids_path, "w", encoding="utf-8") as out:
            ids = {node_id(test_id, test_dirs) for test_id in regressions}
            out.write("".join(f"{nodeid}\n" for nodeid in sorted(ids)))
    return 1 if regressions or missing else 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or len(sys.argv) == 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], *sys.argv[3:4], sys.argv[4:]))
