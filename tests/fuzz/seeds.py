#!/usr/bin/env python3
"""Seeds for fuzz_decode: records laid out exactly as the kernel writes them.

The decoder reads a record's head and its task nest by offsets when they are
laid out as mt_put_record() and mt_put_task() write them, and walks them
otherwise; the fuzzer checks that both ways give the same record. From an
empty corpus it would seldom build that exact layout, so these seeds start it
there: a failing finit_module call's entry and exit, each as the attributes of
one RECORD message (first byte 0x40 | command: fuzz_decode adds the headers),
and both in one datagram as the kernel's worker batches them (first byte 0).

Usage: seeds.py UAPI_HEADER DIR; writes its files into DIR. The numbers come
from the header, so that they follow the protocol.
"""
import re
import struct
import sys


def enums(header):
    """Every enumerator of the header's enums, by name, counted as C does."""
    values = {}
    for body in re.findall(r"^enum \w+ \{(.*?)^\};", header, re.S | re.M):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        value = -1
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, given = item.partition("=")
            name = name.strip()
            given = given.strip()
            if given:
                try:
                    value = int(given, 0)
                except ValueError:
                    continue  # MAX = (__MAX - 1) and the like
            else:
                value += 1
            values[name] = value
    for name, value in re.findall(r"^#define (\w+)\s+(\d+)\s*$", header, re.M):
        values[name] = int(value)
    return values


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: seeds.py UAPI_HEADER DIR")
    e = enums(open(sys.argv[1]).read())
    out = sys.argv[2]
    A = lambda n: e["MODTRACE_ATTR_" + n]
    T = lambda n: e["MODTRACE_TASK_ATTR_" + n]
    u32 = lambda k, v: attr(k, struct.pack("=I", v))
    s32 = lambda k, v: attr(k, struct.pack("=i", v))
    u64 = lambda k, v: attr(k, struct.pack("=Q", v))
    s64 = lambda k, v: attr(k, struct.pack("=q", v))

    task = b"".join(
        u32(T(n), v)
        for n, v in [("TGID", 812), ("TID", 812), ("PPID", 1), ("UID", 0),
                     ("EUID", 0), ("GID", 0), ("LOGINUID", 1000),
                     ("SESSIONID", 3)])
    task += attr(T("COMM"), b"modprobe\0")
    task += u64(T("CGROUP_ID"), 0x1234)
    task += u32(T("PIDNS_INO"), 4026531836) + u32(T("MNTNS_INO"), 4026531841)
    task += u32(T("ABI"), e["MODTRACE_ABI_X86_64"])

    NESTED = 0x8000  # NLA_F_NESTED, as nla_nest_start() sets it

    def record(kind, seq, rest):
        return (u32(A("TYPE"), e["MODTRACE_REC_" + kind]) + u64(A("SEQ"), seq)
                + u32(A("PROBE"), e["MODTRACE_PROBE_FINIT_MODULE"])
                + u64(A("TS"), 1000000000 + seq) + u32(A("CPU"), 1)
                + attr(A("TASK") | NESTED, task) + u32(A("RECORD_FLAGS"), 0) + rest)

    enter = record("FINIT_MODULE_ENTER", 7,
                   s32(A("FD"), 3) + u32(A("FINIT_FLAGS"), 0))
    exit_ = record("FINIT_MODULE_EXIT", 8,
                   u64(A("ENTRY_SEQ"), 7) + s64(A("RET"), -22)
                   + u64(A("DURATION"), 15000))
    command = e["MODTRACE_CMD_RECORD"]

    def message(attributes, seq):
        # nlmsghdr (family 0x20) and genlmsghdr, as the kernel sends them
        length = 16 + 4 + len(attributes)
        return (struct.pack("=IHHII", length, 0x20, 0, seq, 0)
                + struct.pack("=BBH", command, e["MODTRACE_GENL_VERSION"], 0)
                + attributes)

    seeds = {
        "finit-enter": bytes([0x40 | command]) + enter,
        "finit-exit": bytes([0x40 | command]) + exit_,
        "finit-batch": bytes([0]) + message(enter, 1) + message(exit_, 2),
    }
    for name, data in seeds.items():
        with open(f"{out}/seed-{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
