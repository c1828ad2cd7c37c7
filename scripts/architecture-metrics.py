#!/usr/bin/env python3
"""The figures issue 14 asked to compare before and after the redesign.

Reads the Rust sources (tests left out) and prints:
- the largest module, in lines;
- the type with the most public methods (over all its inherent impl blocks);
- for each request-history event and audit action, in how many places its
  string literal is spelled (a place = one occurrence in a source file);
- how many modules read a caller's session from the request themselves
  (cookie parsing or bearer-token parsing outside the one identity module);
- the `duplicates` pairs with neither side in a test.

Usage: python3 scripts/architecture-metrics.py [ROOT]
"""

import collections
import pathlib
import re
import subprocess
import sys
import tempfile
import shutil

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
SOURCES = [p for p in ROOT.glob("*/src/**/*.rs") if "/tests/" not in str(p)]


def rel(path):
    return str(path.relative_to(ROOT))


def largest_module():
    sizes = [(len(p.read_text().splitlines()), rel(p)) for p in SOURCES]
    return max(sizes)


def public_methods():
    counts = collections.Counter()
    impl = re.compile(r"^impl(?:<[^>]*>)?\s+([A-Za-z_][A-Za-z0-9_]*)(?:<[^>]*>)?\s*\{")
    method = re.compile(r"^    pub(?:\([a-z]+\))?\s+(?:async\s+)?fn\s")
    for path in SOURCES:
        current = None
        for line in path.read_text().splitlines():
            found = impl.match(line)
            if found:
                current = found.group(1)
                continue
            if line.startswith("}"):
                current = None
            elif current and method.match(line):
                # Only the crate-visible API counts: `pub(super)` helpers are
                # counted too, as they are what a sibling module can reach.
                counts[current] += 1
    return counts.most_common(3)


# The vocabulary: every event a request's history records and every audit
# action. Found as string literals shaped like the names in the tree at the
# time of measuring: `word` or `word.word` lowercase with underscores.
EVENT_NAMES = [
    "submitted", "code_sent", "verified", "expired_unverified", "status_changed",
    "assigned", "started", "asked_subject", "subject_answered", "extended",
    "completed", "rejected", "cancelled", "message",
]
AUDIT_PREFIXES = ("staff.", "request.", "export.", "consent.")
# Literals with those prefixes that are not audit actions (sealing contexts).
NOT_AUDIT = {"staff.totp_secret", "export.key", "export.schema"}


def spellings():
    literal = re.compile(r'"([a-z_]+(?:\.[a-z_]+)?)"')
    events = collections.Counter()
    audit = collections.Counter()
    for path in SOURCES:
        for value in literal.findall(path.read_text()):
            if value in EVENT_NAMES:
                events[value] += 1
            elif value.startswith(AUDIT_PREFIXES) and value not in NOT_AUDIT:
                audit[value] += 1
    return events, audit


def authentication_readers():
    """Modules that pull a session out of a request on their own."""
    readers = set()
    pattern = re.compile(r"header::COOKIE|CookieJar|\.cookies\(|Bearer |header::AUTHORIZATION")
    for path in SOURCES:
        code = [l for l in path.read_text().splitlines() if not l.strip().startswith("//")]
        if any(pattern.search(line) for line in code):
            readers.add(rel(path))
    return sorted(readers)


def duplicates_outside_tests():
    if not shutil.which("duplicates"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        for path in ROOT.glob("*/src/**/*"):
            if path.is_file() and "/tests/" not in str(path):
                target = pathlib.Path(tmp) / rel(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
        out = subprocess.run(
            ["duplicates", "--most", "200", "--seconds", "120", "--repo", tmp],
            capture_output=True, text=True, check=False,
        ).stdout
    first = out.splitlines()[0] if out else ""
    found = re.match(r"(\d+) pairs", first)
    rows = [l for l in out.splitlines() if l.startswith("D")]
    strong = [l for l in rows if " shape" not in l]
    return (int(found.group(1)) if found else 0, len(strong))


def main():
    lines, module = largest_module()
    print(f"largest module: {module} ({lines} lines)")
    for name, count in public_methods():
        print(f"public methods: {name} {count}")
    events, audit = spellings()
    for label, counter in (("event", events), ("audit action", audit)):
        if counter:
            worst = counter.most_common(1)[0]
            total = sum(counter.values())
            print(
                f"{label} literals: {len(counter)} names, {total} spellings, "
                f"most spelled {worst[0]!r} x{worst[1]}"
            )
    actors = sum(p.read_text().count('format!("staff:') for p in SOURCES)
    print(f"actor ids formatted by hand (format!(\"staff:...\")): {actors}")
    readers = authentication_readers()
    print(f"modules reading a session from the request: {len(readers)} {readers}")
    dups = duplicates_outside_tests()
    if dups is not None:
        print(f"duplicates outside tests: {dups[0]} pairs ({dups[1]} identical, the rest alike in shape)")


if __name__ == "__main__":
    main()
