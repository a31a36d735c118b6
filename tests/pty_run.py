#!/usr/bin/env python3
"""Run a command in a new pseudo-terminal and drive it like a user would.

usage: pty_run.py TIMEOUT STEP... -- CMD [ARG...]
Steps: wait:TEXT (until the output holds TEXT), send:TEXT (\\x1a is ^Z,
\\x03 is ^C, \\n a newline), sleep:SECONDS.  Prints everything the
terminal showed, then "EXIT <status>"; exits 1 if a step or the whole run
takes longer than TIMEOUT seconds (the process group is then killed).
"""
import os
import pty
import select
import signal
import sys
import time


def main():
    timeout = float(sys.argv[1])
    split = sys.argv.index("--")
    steps, cmd = sys.argv[2:split], sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        # As from a login shell: ^C and ^\ act even when this suite was
        # started in the background (sh ignores INT and QUIT there).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        os.execvp(cmd[0], cmd)
    out = b""
    deadline = time.monotonic() + timeout

    def pump(wait):
        nonlocal out
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            out += data
            return bool(data)
        return True

    def fail(why):
        sys.stdout.write(out.decode(errors="replace"))
        print("\nFAILED: " + why)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        sys.exit(1)

    for step in steps:
        kind, _, arg = step.partition(":")
        arg = arg.encode().decode("unicode_escape").encode("latin-1")
        if kind == "wait":
            while arg not in out:
                if time.monotonic() > deadline:
                    fail("timed out waiting for %r" % arg)
                if not pump(0.1):
                    fail("terminal closed waiting for %r" % arg)
        elif kind == "send":
            os.write(fd, arg)
        elif kind == "sleep":
            end = time.monotonic() + float(arg)
            while time.monotonic() < end:
                pump(0.05)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            fail("timed out waiting for exit")
        pump(0.05)
    while pump(0.05) and select.select([fd], [], [], 0)[0]:
        pass
    sys.stdout.write(out.decode(errors="replace"))
    print("\nEXIT %d" % os.waitstatus_to_exitcode(status))


main()
