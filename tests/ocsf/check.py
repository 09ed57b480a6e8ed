#!/usr/bin/env python3
"""Checks the reader's OCSF events against the OCSF schema's own files.

What it checks, per event, with the class and every object resolved through `extends` and
`$include` (profiles included) the way the schema defines them, and each attribute's definition
merged from dictionary.json, the parents and the class or object (enums merged too):

  - every attribute is one the class or its object defines (anything else belongs in
    "unmapped"); attributes of a profile only when metadata.profiles declares it;
  - every attribute with `requirement: required` is there, and the objects' `constraints`
    (at_least_one, just_one) hold;
  - every value has its type: the dictionary's `types` (string_t, integer_t as 32 bits, long_t,
    timestamp_t, boolean_t, float_t, json_t, and the string types' regex and max_len), an
    object, or an array of either; no null, no deprecated attribute;
  - every enum value is in the enum, and its sibling (status for status_id, ...) is the enum's
    caption unless the value is 99 (Other);
  - the class's own arithmetic: class_uid = category uid * 1000 + class uid, type_uid =
    class_uid * 100 + activity_id, the captions of category_name, class_name and type_name, and
    metadata.version the schema's version.

Run by CTest (ocsf/schema): it replays every recorded stream mtnlgen writes through
`modtrace --input FILE --format ocsf`, adds the events ocsf_samples makes of hand-built events,
and checks every one of them, that they cover every event kind and outcome, and that each case
of a file of deliberately wrong events (--invalid) is refused with the expected problem.
Standard library only. With FILE arguments and no --modtrace, it checks the JSON lines of those
files (one event per line) and prints every problem.
"""

import argparse
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# What the recorded streams and the samples must cover between them: every kind of event the
# reader makes and every outcome (README.md, "JSON output").
KINDS = {
    "init_module", "finit_module", "delete_module", "create_module", "query_module",
    "get_kernel_syms", "unknown_load", "obsolete_syscall",
}
OUTCOMES = {
    "loaded", "rejected", "init_failed", "failed", "waited", "unloaded", "unload_failed",
    "enosys", "unknown",
}


def deep_merge(base, over):
    """`over` on top of `base`: dicts merged key by key (so enums add up), anything else
    replaced."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for key, value in over.items():
        out[key] = deep_merge(out[key], value) if key in out else copy.deepcopy(value)
    return out


class Schema:
    def __init__(self, root):
        self.root = root
        self.read = set()
        self.version = self.load("version.json")["version"]
        dictionary = self.load("dictionary.json")
        self.dictionary = dictionary["attributes"]
        self.types = dictionary["types"]["attributes"]
        self.categories = self.load("categories.json")["attributes"]
        self.resolved = {}

    def load(self, rel):
        path = os.path.join(self.root, rel)
        if not os.path.exists(path):
            sys.exit(f"check.py: the schema has no {rel} (copy it from OCSF {getattr(self, 'version', '')} into {self.root})")
        self.read.add(rel)
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def event_file(self, name):
        if name == "base_event":
            return "events/base_event.json"
        found = glob.glob(os.path.join(self.root, "events", "*", name + ".json"))
        if len(found) != 1:
            sys.exit(f"check.py: no single event file for {name} under {self.root}/events")
        return os.path.relpath(found[0], self.root)

    def resolve(self, rel, is_event):
        """The definition in `rel` with its parents' attributes and its includes merged in."""
        if rel in self.resolved:
            return self.resolved[rel]
        data = self.load(rel)
        attributes = {}
        constraints = {}
        parent = data.get("extends")
        if parent:
            base = self.resolve(self.event_file(parent) if is_event else f"objects/{parent}.json",
                                is_event)
            attributes = copy.deepcopy(base["attributes"])
            constraints = base["constraints"]
        own = data.get("attributes", {})
        for inc in own.get("$include", []):
            included = self.load(inc)
            profile = included.get("name") if included.get("meta") == "profile" else None
            for name, attr in included.get("attributes", {}).items():
                attr = dict(attr)
                if profile and "profile" not in attr:
                    attr["profile"] = profile
                attributes[name] = deep_merge(attributes.get(name, {}), attr)
        for name, attr in own.items():
            if name != "$include":
                attributes[name] = deep_merge(attributes.get(name, {}), attr)
        if "constraints" in data:
            constraints = data["constraints"]
        out = {"data": data, "attributes": attributes, "constraints": constraints}
        self.resolved[rel] = out
        return out

    def attribute(self, name, local):
        """An attribute's definition: the dictionary's with the class's or object's on top."""
        return deep_merge(self.dictionary.get(name, {}), local)

    def primitive(self, type_name):
        """The chain of a type: its constraints and its base type (string_t, integer_t, ...)."""
        rules = {}
        while True:
            t = self.types.get(type_name)
            if t is None:
                return None, rules
            for key in ("regex", "max_len", "range", "values"):
                if key in t and key not in rules:
                    rules[key] = t[key]
            if "type" not in t:
                return type_name, rules
            type_name = t["type"]


class Checker:
    def __init__(self, schema, class_name):
        self.schema = schema
        self.cls = schema.resolve(schema.event_file(class_name), True)
        # The schema's server gives class_uid and category_uid the enum of the one class and
        # its category (base_event.json lists only 0); so does this check.
        data = self.cls["data"]
        category = schema.categories.get(self.category_of(), {})
        attributes = self.cls["attributes"]
        attributes["class_uid"] = dict(attributes["class_uid"], enum={
            str(category.get("uid", 0) * 1000 + data["uid"]): {"caption": data["caption"]}})
        attributes["category_uid"] = dict(attributes["category_uid"], enum={
            str(category.get("uid")): {"caption": category.get("caption")}})

    def check(self, event):
        """Every problem of one event, as 'path: what' strings."""
        problems = []
        if not isinstance(event, dict):
            return ["(event): not a JSON object"]
        metadata = event.get("metadata")
        declared = set()
        if isinstance(metadata, dict) and isinstance(metadata.get("profiles"), list):
            declared = set(metadata["profiles"])
        self.check_members(event, self.cls, "", problems, declared, "class " + self.cls["data"]["name"])
        self.check_class(event, problems)
        return problems

    def check_class(self, event, problems):
        data = self.cls["data"]
        category = self.schema.categories.get(self.category_of(), {})
        class_uid = category.get("uid", 0) * 1000 + data["uid"]
        expect = {
            "class_uid": class_uid,
            "category_uid": category.get("uid"),
            "class_name": data["caption"],
            "category_name": category.get("caption"),
        }
        for key, value in expect.items():
            if key in event and event[key] != value:
                problems.append(f"{key}: {event[key]!r}, the class's is {value!r}")
        activity = event.get("activity_id")
        if isinstance(activity, int) and "type_uid" in event:
            if event["type_uid"] != class_uid * 100 + activity:
                problems.append(f"type_uid: {event['type_uid']}, expected class_uid * 100 + "
                                f"activity_id = {class_uid * 100 + activity}")
        enum = self.schema.attribute("activity_id", self.cls["attributes"]["activity_id"]).get("enum", {})
        if "type_name" in event and str(activity) in enum:
            want = f"{data['caption']}: {enum[str(activity)]['caption']}"
            if event["type_name"] != want:
                problems.append(f"type_name: {event['type_name']!r}, expected {want!r}")
        metadata = event.get("metadata")
        if isinstance(metadata, dict) and metadata.get("version") != self.schema.version:
            problems.append(f"metadata.version: {metadata.get('version')!r}, the schema is "
                            f"{self.schema.version}")

    def category_of(self):
        # A class names its category, or inherits it from the class it extends (system.json:
        # "system").
        data = self.cls["data"]
        while "category" not in data and data.get("extends"):
            data = self.schema.load(self.schema.event_file(data["extends"]))
        return data.get("category", "")

    def check_members(self, value, definition, path, problems, declared, what):
        attributes = definition["attributes"]
        for key, item in value.items():
            where = f"{path}{key}"
            local = attributes.get(key)
            if local is None:
                problems.append(f"{where}: not an attribute of {what} (put it under unmapped)")
                continue
            attr = self.schema.attribute(key, local)
            profile = attr.get("profile")
            if profile and profile not in declared:
                problems.append(f"{where}: an attribute of profile {profile}, which "
                                "metadata.profiles does not declare")
            if "@deprecated" in attr:
                problems.append(f"{where}: deprecated ({attr['@deprecated'].get('message', '')})")
            self.check_value(item, attr, where, value, problems, declared)
        for key, local in attributes.items():
            attr = self.schema.attribute(key, local)
            profile = attr.get("profile")
            if attr.get("requirement") == "required" and key not in value and (
                    not profile or profile in declared):
                problems.append(f"{path}{key}: required by {what}, missing")
        constraints = definition.get("constraints") or {}
        present = [k for k in constraints.get("at_least_one", []) if k in value]
        if constraints.get("at_least_one") and not present:
            problems.append(f"{path.rstrip('.') or '(event)'}: {what} needs at least one of "
                            f"{', '.join(constraints['at_least_one'])}")
        just = [k for k in constraints.get("just_one", []) if k in value]
        if constraints.get("just_one") and len(just) != 1:
            problems.append(f"{path.rstrip('.') or '(event)'}: {what} needs exactly one of "
                            f"{', '.join(constraints['just_one'])}")

    def check_value(self, item, attr, where, parent, problems, declared):
        if item is None:
            problems.append(f"{where}: null (leave an attribute out when it has no value)")
            return
        if attr.get("is_array"):
            if not isinstance(item, list):
                problems.append(f"{where}: expected an array of {attr.get('type')}")
                return
            for n, element in enumerate(item):
                self.check_one(element, attr, f"{where}[{n}]", parent, problems, declared)
            return
        self.check_one(item, attr, where, parent, problems, declared)

    def check_one(self, item, attr, where, parent, problems, declared):
        type_name = attr.get("type")
        if type_name is None:
            problems.append(f"{where}: the schema gives no type")
            return
        if type_name == "object":
            if not isinstance(item, dict):
                problems.append(f"{where}: expected an object")
            return
        base, rules = self.schema.primitive(type_name)
        if base is None:
            if not isinstance(item, dict):
                problems.append(f"{where}: expected an object {type_name}")
                return
            obj = self.schema.resolve(f"objects/{type_name}.json", False)
            self.check_members(item, obj, where + ".", problems, declared, "object " + type_name)
            return
        if not self.base_ok(item, base):
            problems.append(f"{where}: {item!r} is not a {type_name}"
                            + (f" ({base})" if base != type_name else ""))
            return
        if "regex" in rules and isinstance(item, str) and not re.search(rules["regex"], item):
            problems.append(f"{where}: {item!r} does not match {type_name}'s pattern")
        if "max_len" in rules and isinstance(item, str) and len(item) > rules["max_len"]:
            problems.append(f"{where}: longer than {type_name}'s {rules['max_len']}")
        if "range" in rules and not rules["range"][0] <= item <= rules["range"][1]:
            problems.append(f"{where}: {item} outside {type_name}'s range {rules['range']}")
        enum = attr.get("enum")
        if enum is not None:
            if str(item) not in enum or isinstance(item, bool):
                problems.append(f"{where}: {item!r} is not in the enum ({', '.join(enum)})")
            elif attr.get("sibling") and attr["sibling"] in parent and str(item) != "99":
                caption = enum[str(item)]["caption"]
                if parent[attr["sibling"]] != caption:
                    sibling = where.rsplit(".", 1)[0] + "." + attr["sibling"] if "." in where else attr["sibling"]
                    problems.append(f"{sibling}: {parent[attr['sibling']]!r}, the caption of "
                                    f"{item} is {caption!r}")

    @staticmethod
    def base_ok(item, base):
        if base == "string_t":
            return isinstance(item, str)
        if base == "boolean_t":
            return isinstance(item, bool)
        if base in ("integer_t", "long_t"):
            low, high = INT32 if base == "integer_t" else INT64
            return isinstance(item, int) and not isinstance(item, bool) and low <= item <= high
        if base == "float_t":
            return isinstance(item, (int, float)) and not isinstance(item, bool)
        if base == "json_t":
            return True
        return False


def events_of(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append((f"{path}:{number}", json.loads(line)))
            except json.JSONDecodeError as e:
                out.append((f"{path}:{number}", e))
    return out


def check_all(checker, labelled):
    """Prints every problem; the number of events with one."""
    bad = 0
    for where, event in labelled:
        problems = [f"not JSON: {event}"] if isinstance(event, Exception) else checker.check(event)
        if problems:
            bad += 1
            print(f"FAIL  {where}")
            for p in problems:
                print(f"      {p}")
    return bad


def apply(event, patch):
    """A copy of `event` with each [op, dotted.path, value?] of `patch` done: set, remove."""
    event = copy.deepcopy(event)
    for step in patch:
        op, path = step[0], step[1].split(".")
        node = event
        for part in path[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = int(path[-1]) if isinstance(node, list) else path[-1]
        if op == "set":
            node[last] = step[2]
        elif op == "remove":
            del node[last]
        else:
            sys.exit(f"check.py: unknown patch operation {op}")
    return event


def check_invalid(checker, base, path):
    """Each case of `path` must be refused, with a problem containing its `expect`."""
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    failed = 0
    for case in cases:
        problems = checker.check(apply(base, case["patch"]))
        hit = [p for p in problems if case["expect"] in p]
        if hit:
            print(f"PASS  refused: {case['name']}: {hit[0]}")
        else:
            failed += 1
            print(f"FAIL  accepted: {case['name']} (expected a problem with {case['expect']!r}; "
                  f"got {problems or 'none'})")
    return failed, len(cases)


def replay(args, work):
    """The events of every recorded stream and of ocsf_samples, labelled."""
    subprocess.run([args.generator, work], check=True)
    labelled = []
    for stream in sorted(glob.glob(os.path.join(work, "*.nlraw"))):
        done = subprocess.run([args.modtrace, "--input", stream, "--format", "ocsf"],
                              capture_output=True, text=True, timeout=30,
                              env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
        if done.returncode not in (0, 1):
            sys.exit(f"check.py: modtrace --input {stream} exited {done.returncode}: {done.stderr}")
        lines = [l for l in done.stdout.splitlines() if l]
        print(f"      {os.path.basename(stream)}: {len(lines)} events")
        labelled += [(f"{os.path.basename(stream)}:{n}", json.loads(l))
                     for n, l in enumerate(lines, 1)]
    if args.samples:
        done = subprocess.run([args.samples], capture_output=True, text=True, check=True)
        lines = [l for l in done.stdout.splitlines() if l]
        print(f"      ocsf_samples: {len(lines)} events")
        labelled += [(f"ocsf_samples:{n}", json.loads(l)) for n, l in enumerate(lines, 1)]
    return labelled


def coverage(labelled):
    """What the events fail to cover, as problems."""
    events = [e for _, e in labelled]
    kinds = {e.get("metadata", {}).get("event_code") for e in events}
    outcomes = {e.get("unmapped", {}).get("outcome") for e in events}
    activities = {e.get("activity_id") for e in events}
    statuses = {e.get("status_id") for e in events}
    hashed = any(e.get("driver", {}).get("file", {}).get("hashes") for e in events)
    problems = []
    if KINDS - kinds:
        problems.append(f"no event of kind {', '.join(sorted(KINDS - kinds))}")
    if OUTCOMES - outcomes:
        problems.append(f"no event with outcome {', '.join(sorted(OUTCOMES - outcomes))}")
    if {1, 2, 99} - activities:
        problems.append(f"no event with activity_id {sorted({1, 2, 99} - activities)}")
    if {0, 1, 2} - statuses:
        problems.append(f"no event with status_id {sorted({0, 1, 2} - statuses)}")
    if not hashed:
        problems.append("no event with driver.file.hashes")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True, help="the OCSF schema's directory")
    parser.add_argument("--class", dest="cls", default="kernel_extension_activity")
    parser.add_argument("--modtrace", help="the reader, to replay the recorded streams")
    parser.add_argument("--generator", help="mtnlgen, which writes the recorded streams")
    parser.add_argument("--samples", help="ocsf_samples, events the streams cannot make")
    parser.add_argument("--invalid", help="cases of wrong events that must be refused")
    parser.add_argument("--work", help="where the streams go (default: a temporary directory)")
    parser.add_argument("--list-files", action="store_true",
                        help="print the schema files the check read")
    parser.add_argument("files", nargs="*", help="files of OCSF events, one per line")
    args = parser.parse_args()

    schema = Schema(args.schema)
    checker = Checker(schema, args.cls)
    labelled = []
    for path in args.files:
        labelled += events_of(path)
    failed = 0
    if args.modtrace:
        if not args.generator:
            sys.exit("check.py: --modtrace needs --generator")
        with tempfile.TemporaryDirectory() as scratch:
            work = args.work or scratch
            os.makedirs(work, exist_ok=True)
            labelled += replay(args, work)
        for problem in coverage(labelled):
            print(f"FAIL  coverage: {problem}")
            failed += 1
    bad = check_all(checker, labelled)
    print(f"{len(labelled) - bad} of {len(labelled)} events valid against OCSF {schema.version} "
          f"{checker.cls['data']['caption']}")
    failed += bad
    if args.invalid:
        if not labelled:
            sys.exit("check.py: --invalid needs a valid event to start from")
        wrong, total = check_invalid(checker, labelled[0][1], args.invalid)
        print(f"{total - wrong} of {total} wrong events refused")
        failed += wrong
    if args.list_files:
        print("\n".join(sorted(schema.read)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
