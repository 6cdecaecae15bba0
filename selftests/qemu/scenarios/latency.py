#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""latency.py HOST PORT PATH COUNT: COUNT sequential GETs, each on a fresh
TCP connection; prints "n=N p50=MS p90=MS p99=MS max=MS errors=E" (ms)."""
import http.client
import sys
import time


def main():
    host, port, path, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    times, errors, size = [], 0, None
    for _ in range(count):
        t0 = time.perf_counter()
        try:
            c = http.client.HTTPConnection(host, port, timeout=30)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            c.close()
            if r.status != 200 or (size is not None and len(body) != size):
                errors += 1
                continue
            size = len(body)
        except OSError:
            errors += 1
            continue
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()

    def pct(p):
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(round(p / 100.0 * (len(times) - 1))))]

    print("n=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f errors=%d" % (
        len(times), pct(50), pct(90), pct(99), times[-1] if times else float("nan"), errors))


if __name__ == "__main__":
    main()
