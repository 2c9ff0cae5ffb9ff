#!/usr/bin/env python3
"""Run an emulator whose guest serial port goes to a file and timestamp lines in that file.

Usage: watch-serial.py [--stop] SERIAL_FILE LOG_PREFIX TIMEOUT MARKER... -- COMMAND...

Deletes SERIAL_FILE, starts COMMAND in its own session (stdin /dev/null, stdout and stderr to
LOG_PREFIX.stderr) and reads SERIAL_FILE every 0.05 s while COMMAND runs. Prints one line:
"T1 ... Tn EXIT RC": for every MARKER (a byte string) the seconds from the start until it first
appeared in the file ("-" if never), the seconds until COMMAND exited, and its exit status (124
when it ran past TIMEOUT seconds and was killed, with its whole session). Copies the serial output
to LOG_PREFIX.serial. A marker's time is when the poll saw it, so it is late by at most one poll
interval plus the emulator's own output buffering (turtles flushes every line; QEMU writes at once).
With --stop, COMMAND (its whole session) is killed as soon as every marker has appeared, for a
guest that cannot power off (EXIT is then that moment, and RC 0).
"""
import os
import signal
import subprocess
import sys
import time

POLL_S = 0.05


def main(argv):
    stop = bool(argv) and argv[0] == "--stop"
    if stop:
        argv = argv[1:]
    if "--" not in argv or argv.index("--") < 4:
        sys.stderr.write(__doc__)
        return 2
    sep = argv.index("--")
    serial_file, log_prefix, timeout = argv[0], argv[1], float(argv[2])
    markers = [m.encode() for m in argv[3:sep]]
    cmd = argv[sep + 1:]
    if not cmd:
        sys.stderr.write(__doc__)
        return 2
    if os.path.exists(serial_file):
        os.unlink(serial_file)
    found = [None] * len(markers)
    data = b""
    with open(log_prefix + ".stderr", "wb") as errf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=errf, stderr=errf,
                                start_new_session=True)
        serial = None
        rc = None

        def poll_serial(now):
            nonlocal serial, data
            if serial is None and os.path.exists(serial_file):
                serial = open(serial_file, "rb")
            if serial is None:
                return
            chunk = serial.read()
            if not chunk:
                return
            start = max(0, len(data) - max(len(m) for m in markers))
            data += chunk
            for i, m in enumerate(markers):
                if found[i] is None and data.find(m, start) >= 0:
                    found[i] = now - t0

        while True:
            poll_serial(time.monotonic())
            rc = proc.poll()
            if rc is not None:
                t_exit = time.monotonic() - t0
                poll_serial(time.monotonic())
                break
            if stop and all(f is not None for f in found):
                t_exit = time.monotonic() - t0
                rc = 0
                break
            if time.monotonic() - t0 > timeout:
                break
            time.sleep(POLL_S)
        if rc is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    pass
            poll_serial(time.monotonic())
            rc, t_exit = 124, time.monotonic() - t0
        else:
            # Nothing should be left in the emulator's session; reap anything that is.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        if serial is not None:
            serial.close()
    with open(log_prefix + ".serial", "wb") as logf:
        logf.write(data)
    times = ["-" if t is None else "%.3f" % t for t in found]
    print(" ".join(times + ["%.3f" % t_exit, str(rc)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
