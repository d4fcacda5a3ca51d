"""Fail on an XML file of the addon that does not parse, or that uses markup
Odoo 18 dropped (``<tree>``, ``attrs=``, ``states=``, ``<report>``, ``t-raw``)."""

import pathlib
import sys

from lxml import etree

DEPRECATED_TAGS = {"tree", "report"}
DEPRECATED_ATTRIBUTES = {"attrs", "states", "t-raw"}


def problems_in(path):
    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError as error:
        return [f"{path}: {error}"]
    found = []
    for node in root.iter(etree.Element):
        if node.tag in DEPRECATED_TAGS:
            found.append(f"{path}:{node.sourceline}: <{node.tag}> is gone in Odoo 18")
        for attribute in DEPRECATED_ATTRIBUTES & set(node.attrib):
            found.append(f"{path}:{node.sourceline}: {attribute}= is gone in Odoo 18")
    return found


def main(roots):
    found = []
    for root in roots:
        for path in sorted(pathlib.Path(root).rglob("*.xml")):
            found += problems_in(path)
    print("\n".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["psa_workflow"]))
