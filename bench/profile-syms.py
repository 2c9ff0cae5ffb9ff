#!/usr/bin/env python3
"""Maps a turtles `-d profile` histogram to symbols and prints the hottest functions.

Usage: bench/profile-syms.py PROFILE_LOG SYMBOLS [ROWS]
  PROFILE_LOG  the log of a run with `-d profile` (use -D FILE to keep it apart from stderr)
  SYMBOLS      a System.map or /proc/kallsyms listing ("ADDRESS TYPE NAME" lines); only text
               symbols are used. Boot with `nokaslr` so the addresses match the listing.
Kernel-half addresses are mapped to symbols. Addresses below 4 GiB are grouped by 64 KiB region
(e.g. the kernel's boot-time decompressor, which runs at a physical address); the rest of the
lower half is <user>. Rows sampled in a VMX guest ("guest vpid N") are counted apart, as
"[guest vpid N] name", with the same listing (the nested images run one kernel at every level).
"""
import bisect
import collections
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    syms = []
    for line in open(sys.argv[2], errors="replace"):
        f = line.split()
        if len(f) >= 3 and f[1] in "tTwW":
            try:
                syms.append((int(f[0], 16), f[2]))
            except ValueError:
                pass
    syms.sort()
    addrs = [a for a, _ in syms]
    by = collections.Counter()
    total = 0
    for line in open(sys.argv[1], errors="replace"):
        f = line.split()
        if len(f) not in (4, 7) or f[0] != "profile:" or not f[3].endswith("%"):
            continue
        if len(f) == 7 and f[4:6] != ["guest", "vpid"]:
            continue
        try:
            rip, cnt = int(f[1], 16), int(f[2])
        except ValueError:
            continue
        # a VMX guest's samples ("guest vpid N") are listed apart, under the same symbols (the
        # nested images run the same kernel at every level)
        ctx = "[guest vpid %s] " % f[6] if len(f) == 7 else ""
        total += cnt
        k = bisect.bisect_right(addrs, rip) - 1
        if rip >= 0xffff800000000000:
            by[ctx + (syms[k][1] if k >= 0 else "<kernel, no symbol>")] += cnt
        elif rip < 1 << 32:
            by[ctx + "<low %08x>" % (rip >> 16 << 16)] += cnt
        else:
            by[ctx + "<user>"] += cnt
    if not total:
        sys.exit("no profile samples in " + sys.argv[1])
    print("%7s %10s  %s" % ("share", "samples", "function"))
    for name, cnt in by.most_common(rows):
        print("%6.2f%% %10d  %s" % (100.0 * cnt / total, cnt, name))


if __name__ == "__main__":
    main()
