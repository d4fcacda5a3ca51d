"""The result of Odoo's own test suites on a database *without* psa_workflow,
kept in the repository and keyed by the Odoo source it was run on.

That side of the upstream check changes only when Odoo does, so
``tools/test_upstream.sh`` runs it only when no baseline matches the installed
Odoo, and otherwise compares the run with psa_workflow against the kept one.

    python3 tools/upstream_baseline.py key "MODULES" "DEPENDS"
    python3 tools/upstream_baseline.py write JUNIT.xml BASELINE.tsv "MODULES" "DEPENDS"

``key`` prints the key of the installed Odoo: a digest of its source tree
(every file of the ``odoo`` package and of its ``addons`` folder, translations
and byte code left out), the tested modules and psa_workflow's dependencies
(what the database without the addon installs). An Odoo checkout at another
commit, or patched by hand, gets another key. ``write`` turns a JUnit report of
that run into a baseline file: one test a line, its outcome and its time.
"""

import hashlib
import os
import sys
import xml.etree.ElementTree as ET

# Files that cannot change what a test does.
SKIPPED_SUFFIXES = (".po", ".pot", ".pyc", ".pyo")
HEADER = "# outcome\tseconds\ttest"


def odoo_source_roots():
    import odoo  # noqa: PLC0415 - only this command needs Odoo importable

    package = os.path.dirname(os.path.abspath(odoo.__file__))
    roots = [package]
    sibling = os.path.join(os.path.dirname(package), "addons")
    if os.path.isdir(os.path.join(sibling, "web")):
        roots.append(sibling)
    return roots


def source_digest(roots):
    digest = hashlib.sha256()
    for root in roots:
        base = os.path.dirname(root)
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(SKIPPED_SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, base).encode())
                digest.update(b"\0")
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def key(modules, depends):
    parts = [
        source_digest(odoo_source_roots()),
        " ".join(sorted(modules.split())),
        ",".join(sorted(depends.split(","))),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def junit_results(path):
    """``{test id: (outcome, seconds)}`` of a JUnit report; a test reported
    twice (a teardown error) counts as failed."""
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        seconds = float(case.get("time") or 0.0)
        previous = results.get(test_id)
        if previous:
            seconds += previous[1]
            if previous[0] == "failed":
                outcome = "failed"
        results[test_id] = (outcome, seconds)
    return results


def baseline_results(path):
    results = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            outcome, seconds, test_id = line.rstrip("\n").split("\t", 2)
            results[test_id] = (outcome, float(seconds))
    return results


def results_of(path):
    """The results of a JUnit report (``.xml``) or a baseline file."""
    if path.endswith(".xml"):
        return junit_results(path)
    return baseline_results(path)


def write(junit_path, baseline_path, modules, depends):
    results = junit_results(junit_path)
    if not results:
        sys.exit(f"{junit_path} holds no test: no baseline written")
    os.makedirs(os.path.dirname(baseline_path) or ".", exist_ok=True)
    with open(baseline_path, "w", encoding="utf-8") as out:
        out.write(
            "# Odoo's own tests on a database without psa_workflow "
            "(tools/test_upstream.sh)\n"
            f"# modules: {' '.join(modules.split())}\n"
            f"# installed: {depends}\n"
            f"{HEADER}\n"
        )
        for test_id in sorted(results):
            outcome, seconds = results[test_id]
            out.write(f"{outcome}\t{seconds:.2f}\t{test_id}\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "key":
        print(key(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "write":
        write(*sys.argv[2:])
    else:
        sys.exit(__doc__)
