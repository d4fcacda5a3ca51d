"""Compare two .pot files by their messages, ignoring headers and dates.

Exit 0 when both hold the same msgids with the same references, 1 otherwise
(and print what differs)."""

import sys

import polib


def entries(path):
    return {
        (entry.msgctxt, entry.msgid): sorted(entry.occurrences)
        for entry in polib.pofile(path)
    }


def main(committed, fresh):
    old, new = entries(committed), entries(fresh)
    missing = sorted(set(new) - set(old), key=str)
    stale = sorted(set(old) - set(new), key=str)
    moved = sorted((k for k in set(old) & set(new) if old[k] != new[k]), key=str)
    for label, keys in (("missing", missing), ("stale", stale), ("moved", moved)):
        for _ctx, msgid in keys:
            print(f"{label}: {msgid!r}")
    return 1 if missing or stale or moved else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
