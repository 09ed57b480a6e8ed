#!/usr/bin/env python3
"""Runs the reader's command-line cases (tests/cli/*.test) against the built binary.

A case file holds cases, each starting with NAME; blank lines and lines starting with '#'
separate and annotate them. Directives, one per line:

  NAME TEXT            what the case checks (starts a case)
  RUN ARGS             modtrace's arguments, split as a shell would (no shell runs them);
                       {{DATA}} is the directory of recorded streams mtnlgen wrote
  STDIN FILE           standard input (default: /dev/null); {{DATA}} as in RUN
  ENV NAME=VALUE       set in the environment, which otherwise holds only PATH, TZ=UTC and
                       LC_ALL=C.UTF-8; repeatable
  EXIT N               the expected exit status (default 0)
  STDOUT LINE          the output, exactly, one directive per line (repeatable; "STDOUT" alone
                       is an empty line); {{DATA}} as in RUN
  STDOUT_FILE PATH     the output, exactly, as in PATH (relative to the case file)
  STDOUT_REGEX RE      the output matches RE (Python re.search, MULTILINE); repeatable
  STDERR...            the same for standard error

A stream the case says nothing about must be empty. Any difference fails the case, with a
diff. --update rewrites every *_FILE with what the binary printed (read the diff before
committing it).
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile

STREAMS = ("STDOUT", "STDERR")


class Case:
    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.args = None
        self.stdin = None
        self.env = {}
        self.exit = 0
        self.lines = {s: None for s in STREAMS}
        self.files = {s: None for s in STREAMS}
        self.regexes = {s: [] for s in STREAMS}


def parse(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            key, _, value = line.partition(" ")
            where = f"{path}:{number}"
            if key == "NAME":
                cases.append(Case(value, where))
                continue
            if not cases:
                sys.exit(f"{where}: {key} before the first NAME")
            case = cases[-1]
            stream = next((s for s in STREAMS if key.startswith(s)), None)
            if key == "RUN":
                case.args = shlex.split(value)
            elif key == "STDIN":
                case.stdin = value
            elif key == "ENV":
                name, sep, val = value.partition("=")
                if not sep:
                    sys.exit(f"{where}: ENV needs NAME=VALUE")
                case.env[name] = val
            elif key == "EXIT":
                case.exit = int(value)
            elif stream and key == stream:
                case.lines[stream] = (case.lines[stream] or []) + [value]
            elif stream and key == stream + "_FILE":
                case.files[stream] = os.path.join(os.path.dirname(path), value)
            elif stream and key == stream + "_REGEX":
                case.regexes[stream].append(value)
            else:
                sys.exit(f"{where}: unknown directive {key}")
    for case in cases:
        if case.args is None:
            sys.exit(f"{case.where}: case '{case.name}' has no RUN")
    return cases


def diff(expected, actual, label):
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"expected {label}",
            f"actual {label}",
        )
    )


def check_stream(case, stream, actual, expand, update):
    """The failures of one stream, as text; empty when it is as expected."""
    problems = []
    expected = None
    if case.lines[stream] is not None:
        expected = "".join(expand(line) + "\n" for line in case.lines[stream])
    elif case.files[stream] is not None:
        if update:
            with open(case.files[stream], "w", encoding="utf-8") as f:
                f.write(actual)
        with open(case.files[stream], encoding="utf-8") as f:
            expected = f.read()
    elif not case.regexes[stream]:
        expected = ""
    if expected is not None and actual != expected:
        problems.append(diff(expected, actual, stream.lower()) or f"{stream} differs\n")
    for regex in case.regexes[stream]:
        if not re.search(regex, actual, re.MULTILINE):
            problems.append(f"{stream.lower()} does not match /{regex}/:\n{actual}")
    return problems


def run(case, modtrace, data, update):
    def expand(text):
        return text.replace("{{DATA}}", data)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    env.update(case.env)
    stdin = open(expand(case.stdin), "rb") if case.stdin else subprocess.DEVNULL
    try:
        done = subprocess.run(
            [modtrace] + [expand(a) for a in case.args],
            stdin=stdin,
            capture_output=True,
            env=env,
            timeout=30,
        )
    finally:
        if case.stdin:
            stdin.close()
    problems = []
    if done.returncode != case.exit:
        problems.append(f"exit status {done.returncode}, expected {case.exit}\n")
    for stream, raw in zip(STREAMS, (done.stdout, done.stderr)):
        problems += check_stream(
            case, stream, raw.decode("utf-8", "replace"), expand, update
        )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modtrace", required=True, help="the reader binary")
    parser.add_argument("--generator", required=True, help="mtnlgen, which writes the streams")
    parser.add_argument("--work", help="where the streams go (default: a temporary directory)")
    parser.add_argument("--update", action="store_true", help="rewrite the *_FILE expectations")
    parser.add_argument("cases", nargs="+", help="case files")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        data = args.work or scratch
        os.makedirs(data, exist_ok=True)
        subprocess.run([args.generator, data], check=True)
        failed = 0
        total = 0
        for path in args.cases:
            for case in parse(path):
                total += 1
                problems = run(case, args.modtrace, data, args.update)
                print(("FAIL" if problems else "PASS") + f"  {case.name}  ({case.where})")
                if problems:
                    failed += 1
                    shown = "modtrace " + " ".join(shlex.quote(a) for a in case.args)
                    print(f"      ran: {shown.replace('{{DATA}}', data)}")
                    for p in problems:
                        print("      " + p.rstrip("\n").replace("\n", "\n      "))
        print(f"{total - failed} of {total} cases passed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
