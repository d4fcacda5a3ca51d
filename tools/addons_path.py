"""Odoo's addons directories, wherever this Odoo keeps them, then this
repository (or the checkout REPOSITORY): the ``--addons-path`` of every
script here.

    python3 tools/addons_path.py [REPOSITORY]
"""

import os
import sys

import odoo

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path(repository=REPOSITORY):
    package = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = []
    for candidate in (
        os.path.join(package, "addons"),
        os.path.join(os.path.dirname(package), "addons"),
    ):
        if os.path.isdir(os.path.join(candidate, "web")) and candidate not in paths:
            paths.append(candidate)
    paths.append(repository)
    return ",".join(paths)


if __name__ == "__main__":
    print(addons_path(*sys.argv[1:2]))
