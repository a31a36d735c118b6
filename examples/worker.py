#!/usr/bin/env python3
"""worker.py - the demo worker of examples/worker.c, in Python, for the
Debian-based image (Dockerfile.slim).  Same output, options and environment
variables: it prints "worker: started pid=P", then "worker: heartbeat N pid=P"
every interval, and on SIGTERM or SIGINT prints "worker: shutting down
(signal TERM|INT)" and exits 0.  Options make it misbehave on purpose.
A flag wins over the environment; bad usage exits 2.

With --http PORT it also answers HTTP on that port (all addresses), for
health checks: GET /healthz is "200 ok", anything else 404.  SIGUSR1 makes
it hang like a deadlocked program: "worker: hanging" once, then no more
beats and no more answers; TERM and INT still end it.

usage: worker.py [--beats N] [--crash-after N] [--leak-mb N] [--spin]
    [--fork N] [--ignore-term] [--interval MS] [--stderr-every N]
    [--http PORT]
  --beats N         WORKER_BEATS         exit 0 after N beats (0: never)
  --crash-after N   WORKER_CRASH_AFTER   exit 3 after N beats
  --leak-mb N       WORKER_LEAK_MB       leak N MiB more every beat
  --spin            WORKER_SPIN=1        burn CPU instead of sleeping
  --fork N          WORKER_FORK          also run N child workers
  --ignore-term     WORKER_IGNORE_TERM=1 ignore SIGTERM
  --interval MS     WORKER_INTERVAL_MS   beat interval (default 1000)
  --stderr-every N  WORKER_STDERR_EVERY  warn on stderr every N beats
  --http PORT       WORKER_HTTP_PORT     answer GET /healthz on PORT
"""
import os
import signal
import socket
import sys
import threading
import time

# flag: (env, key, min, max, boolean)
OPTS = {
    "--beats": ("WORKER_BEATS", "beats", 0, 1 << 30, False),
    "--crash-after": ("WORKER_CRASH_AFTER", "crash", 0, 1 << 30, False),
    "--leak-mb": ("WORKER_LEAK_MB", "leakmb", 0, 1 << 16, False),
    "--spin": ("WORKER_SPIN", "spin", 0, 1, True),
    "--fork": ("WORKER_FORK", "nfork", 0, 1000, False),
    "--ignore-term": ("WORKER_IGNORE_TERM", "ignterm", 0, 1, True),
    "--interval": ("WORKER_INTERVAL_MS", "interval", 1, 86400000, False),
    "--stderr-every": ("WORKER_STDERR_EVERY", "errevery", 0, 1 << 30, False),
    "--http": ("WORKER_HTTP_PORT", "httpport", 0, 65535, False),
}
USAGE = ("usage: worker.py [--beats N] [--crash-after N] [--leak-mb N] [--spin]\n"
         "    [--fork N] [--ignore-term] [--interval MS] [--stderr-every N]\n"
         "    [--http PORT]\n")
OK = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
      b"Connection: close\r\n\r\nok\n")
NOT_FOUND = (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
             b"Connection: close\r\n\r\n")

prefix = "worker"


def say(fd, msg):
    """One write(2) per line: lines stay whole and ordered across processes."""
    data = ("%s: %s\n" % (prefix, msg)).encode()
    while data:
        try:
            data = data[os.write(fd, data):]
        except InterruptedError:
            continue
        except OSError:
            return


def usage():
    sys.stderr.write(USAGE)
    sys.exit(2)


def setopt(cfg, flag, name, text):
    _, key, lo, hi, _ = OPTS[flag]
    try:
        val = int(text, 10)
    except ValueError:
        val = None
    if val is None or not lo <= val <= hi:
        sys.stderr.write("worker: bad value for %s: '%s'\n" % (name, text))
        usage()
    cfg[key] = val


def parse(argv):
    cfg = {"beats": 0, "crash": 0, "leakmb": 0, "spin": 0, "nfork": 0,
           "ignterm": 0, "interval": 1000, "errevery": 0, "httpport": 0}
    for flag, (env, _, _, _, _) in OPTS.items():
        if os.environ.get(env):
            setopt(cfg, flag, env, os.environ[env])
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag not in OPTS:
            usage()
        if OPTS[flag][4]:
            setopt(cfg, flag, flag, "1")
        elif i + 1 == len(argv):
            usage()
        else:
            i += 1
            setopt(cfg, flag, flag, argv[i])
        i += 1
    return cfg


def http_listen(port):
    """The --http socket, or exit 1."""
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", port))
        sock.listen(16)
    except OSError as e:
        say(2, "cannot listen on port %d: %s" % (port, e.strerror))
        sys.exit(1)
    say(1, "listening on port %d" % port)
    return sock


def http_serve(sock, hung):
    """Answer one connection at a time, until hung: then never again."""
    while True:
        conn, _ = sock.accept()
        if hung.is_set():
            threading.Event().wait()
        conn.settimeout(1)    # a silent client is not waited for
        req = b""
        try:
            while b"\r\n\r\n" not in req and len(req) < 2048:
                data = conn.recv(2048 - len(req))
                if not data:
                    break
                req += data
        except OSError:
            pass
        try:
            healthz = req.startswith((b"GET /healthz ", b"GET /healthz?"))
            conn.sendall(OK if healthz else NOT_FOUND)
        except OSError:
            pass
        conn.close()


def waituntil(deadline, waitset, spin):
    """Sleep (or spin) until deadline; return the stop signal, or 0.

    The stop signals stay blocked and are taken with sigtimedwait, so one can
    never slip in between checking and sleeping (time.sleep would just resume
    after a handler ran, delaying the shutdown by up to a beat).
    """
    while True:
        left = deadline - time.monotonic()
        if spin:
            pending = signal.sigpending() & waitset
            if pending:
                sig = min(pending)
                signal.sigwait({sig})
                return sig
        elif left > 0:
            info = signal.sigtimedwait(waitset, left)
            if info is not None:
                return info.si_signo
        if left <= 0:
            return 0


def main():
    global prefix
    cfg = parse(sys.argv[1:])
    waitset = {signal.SIGINT, signal.SIGUSR1}
    if cfg["ignterm"]:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        waitset.add(signal.SIGTERM)
    # Before any thread starts: threads inherit the mask.
    signal.pthread_sigmask(signal.SIG_BLOCK, waitset)

    say(1, "started pid=%d" % os.getpid())
    if cfg["ignterm"]:
        say(1, "ignoring SIGTERM")
    sock = http_listen(cfg["httpport"]) if cfg["httpport"] else None
    for k in range(1, cfg["nfork"] + 1):
        try:
            pid = os.fork()
        except OSError as e:
            say(2, "fork: %s" % e.strerror)
            continue
        if pid == 0:
            prefix = "worker[child %d]" % k
            say(1, "started pid=%d" % os.getpid())
            if sock is not None:
                sock.close()
                sock = None
            break
    hung = threading.Event()
    if sock is not None:
        threading.Thread(target=http_serve, args=(sock, hung),
                         daemon=True).start()

    leaked = []
    deadline = time.monotonic()
    n = 1
    stopsig = 0
    while not stopsig:
        if cfg["leakmb"] > 0:
            # Filled, not zeroed: zero pages would never really be allocated.
            leaked.append(b"\xa5" * (cfg["leakmb"] << 20))
        say(1, "heartbeat %d pid=%d" % (n, os.getpid()))
        if cfg["errevery"] > 0 and n % cfg["errevery"] == 0:
            say(2, "warning beat %d" % n)
        if cfg["crash"] > 0 and n >= cfg["crash"]:
            say(2, "crashing")
            sys.exit(3)
        if cfg["beats"] > 0 and n >= cfg["beats"]:
            sys.exit(0)
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass    # reap crashed child workers
        except ChildProcessError:
            pass

        # Fixed schedule; after a SIGSTOP, one late beat, no burst.
        deadline = max(deadline + cfg["interval"] / 1000.0, time.monotonic())
        stopsig = waituntil(deadline, waitset, cfg["spin"])
        if stopsig == signal.SIGUSR1:
            # Hang: no more beats or answers; TERM and INT still end it.
            hung.set()
            say(1, "hanging")
            stopsig = signal.sigwait(waitset - {signal.SIGUSR1})
        n += 1
    say(1, "shutting down (signal %s)"
        % ("TERM" if stopsig == signal.SIGTERM else "INT"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
