#!/usr/bin/env python3
"""Time to ready and idle memory of `emulator serve`, measured where a user stands: from just
before the process is spawned until its first HTTP request is answered (a connect loop polling
every 0.2 ms, then GET /_emulator/health), and its resident set (VmRSS) after a second idle.

    python3 bench/startup/bench_startup.py [build-dir] [--iterations 40]

Each start gets a free port and a fresh temporary data dir (the default: created and removed by
the emulator). Same-run baselines on the same machine: spawning /bin/true and
`emulator --version` (loading the program, no server) with the same Python code, so that a
figure on a loaded machine can be judged against what merely starting a process costs.
Targets (issue 15): ready <= 10 ms, idle RSS <= 10 MiB."""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    """(VmRSS, RssAnon, RssFile) in MiB: the resident set, and its private memory vs the pages
    of the program and its libraries it has mapped (shared with every other process using them,
    clean, so reclaimable)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile"):
                fields[key] = int(line.split()[1]) / 1024
    if "VmRSS" not in fields:
        raise RuntimeError("no VmRSS")
    return fields["VmRSS"], fields.get("RssAnon", 0.0), fields.get("RssFile", 0.0)


def first_answer(port, deadline):
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            if time.perf_counter() > deadline:
                raise RuntimeError("emulator never listened")
            time.sleep(0.0002)
    with conn:
        conn.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: bench\r\n\r\n")
        answer = conn.recv(65536)
    if not answer.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"health answered {answer[:60]!r}")


def one_start(emulator, idle_seconds):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([emulator, "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first_answer(port, t0 + 30)
        ready_ms = (time.perf_counter() - t0) * 1000
        time.sleep(idle_seconds)  # idle: what it holds when nothing happens
        rss = rss_mib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        if proc.wait(timeout=30) != 0:
            raise RuntimeError("emulator did not stop cleanly")
    return ready_ms, rss


def spawn_ms(argv, iterations):
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def summary(values, unit):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return (f"median {statistics.median(values):.1f} {unit}, p90 {p90:.1f}, "
            f"min {values[0]:.1f} (n={len(values)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--idle-seconds", type=float, default=1.0)
    args = ap.parse_args()
    emulator = os.path.join(args.build, "emulator", "emulator")
    readies, rsses, anons, files = [], [], [], []
    for _ in range(args.iterations):
        ready_ms, (rss, anon, file) = one_start(emulator, args.idle_seconds)
        readies.append(ready_ms)
        rsses.append(rss)
        anons.append(anon)
        files.append(file)
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(f"baseline: spawn /bin/true            {summary(spawn_ms(['/bin/true'], args.iterations), 'ms')}")
    print(f"baseline: emulator --version         "
          f"{summary(spawn_ms([emulator, '--version'], args.iterations), 'ms')}")
    print(f"emulator serve: exec -> first answer {summary(readies, 'ms')}")
    print(f"emulator serve: idle RSS             {summary(rsses, 'MiB')}")
    print(f"  of which private (RssAnon)         {summary(anons, 'MiB')}")
    print(f"  of which mapped files (RssFile)    {summary(files, 'MiB')}")


if __name__ == "__main__":
    main()
