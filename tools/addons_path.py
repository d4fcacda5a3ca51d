"""Odoo's addons directories, wherever this Odoo keeps them, then this
repository: the ``--addons-path`` of every script here.

    python3 tools/addons_path.py
"""

import os

import odoo

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path():
    package = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = []
    for candidate in (
        os.path.join(package, "addons"),
        os.path.join(os.path.dirname(package), "addons"),
    ):
        if os.path.isdir(os.path.join(candidate, "web")) and candidate not in paths:
            paths.append(candidate)
    paths.append(REPOSITORY)
    return ",".join(paths)


if __name__ == "__main__":
    print(addons_path())
