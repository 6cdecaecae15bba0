#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""HTTP clients built on Python's http.client, for the nfav selftests.

  pyclient.py JOB [:: JOB]...

runs the JOBs one after the other in one process (Python starts slowly in
the test guests).  Each JOB writes its report lines to OUT.txt (and stdout):

  pyclient.py get [--http10] [--keep-alive] HOST PORT OUT PATH...
      GET each PATH in turn on one http.client connection (http.client
      opens a new one when the server closes it), the body of the Nth to
      OUT.N (N from 1).  --http10 sends "HTTP/1.0" request lines,
      --keep-alive a "Connection: keep-alive" header.  Prints, per request,
      "N STATUS LENGTH CONNECTS" (CONNECTS: connections opened so far), or
      "N error EXCEPTION".

  pyclient.py pipeline HOST PORT OUT [METHOD:]PATH...
      Pipelining: writes every request (GET unless METHOD is given, e.g.
      HEAD:/file) in ONE send on one connection
      (the last one with "Connection: close"), then reads the responses in
      order with http.client's parser, the body of the Nth to OUT.N.
      Prints "N STATUS LENGTH" per complete response, "N incomplete STATUS
      LENGTH" for a body cut short, and for the first missing response
      "N eof" (the connection ended), "N reset" or "N timeout"; then
      "end eof|reset|timeout" for how the connection ended.

  pyclient.py raw HOST PORT OUT DATA
      Sends DATA (\\r, \\n, \\xNN escapes decoded) on a new connection, then
      writes everything received until the end of the connection to OUT.1;
      reports "1 eof|reset|timeout LENGTH".

Timeouts: 20 s per socket operation.  Exit status 0 unless the usage is
wrong.
"""
import http.client
import socket
import sys

TIMEOUT = 20
_report = None


def report(line):
    print(line, flush=True)
    _report.write(line + "\n")
    _report.flush()


class Conn(http.client.HTTPConnection):
    connects = 0

    def connect(self):
        Conn.connects += 1
        super().connect()


def get(args):
    http10 = keep_alive = False
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--http10":
            http10 = True
        elif opt == "--keep-alive":
            keep_alive = True
        else:
            raise SystemExit("pyclient: unknown option " + opt)
    host, port, out, paths = args[0], int(args[1]), args[2], args[3:]
    Conn.connects = 0
    c = Conn(host, port, timeout=TIMEOUT)
    if http10:
        c._http_vsn = 10
        c._http_vsn_str = "HTTP/1.0"
    headers = {"Connection": "keep-alive"} if keep_alive else {}
    for n, path in enumerate(paths, 1):
        try:
            c.request("GET", path, headers=headers)
            r = c.getresponse()
            body = r.read()
        except Exception as e:      # report it, go on with a new connection
            report("%d error %s: %s" % (n, type(e).__name__, e))
            c.close()
            continue
        with open("%s.%d" % (out, n), "wb") as f:
            f.write(body)
        report("%d %d %d %d" % (n, r.status, len(body), Conn.connects))
    c.close()


class _Shared:
    """The connection's one buffered reader, handed to every HTTPResponse:
    pipelined responses follow each other in its buffer, so it must
    survive each response's close()."""

    def __init__(self, f):
        self.f = f

    def __getattr__(self, name):
        return getattr(self.f, name)

    def close(self):
        pass


class _Sock:
    def __init__(self, fp):
        self.fp = fp

    def makefile(self, *args, **kwargs):
        return self.fp


def ended(s, fp):
    """How the connection ends after the last response: eof, reset, timeout."""
    s.settimeout(3)
    try:
        while fp.read(65536):
            pass
        return "eof"
    except ConnectionResetError:
        return "reset"
    except (socket.timeout, TimeoutError):
        return "timeout"
    except OSError:
        return "reset"


def pipeline(args):
    host, port, out, paths = args[0], int(args[1]), args[2], args[3:]
    reqs = b""
    methods = []
    for i, path in enumerate(paths):
        method, _, p = path.rpartition(":") if not path.startswith("/") else ("", "", path)
        methods.append(method or "GET")
        last = b"Connection: close\r\n" if i == len(paths) - 1 else b""
        reqs += b"%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (
            methods[-1].encode(), p.encode(), host.encode(), last)
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    s.sendall(reqs)         # one send: all requests in flight at once
    fp = _Shared(s.makefile("rb"))
    end = None
    for n in range(1, len(paths) + 1):
        r = http.client.HTTPResponse(_Sock(fp), method=methods[n - 1])
        try:
            r.begin()
        except http.client.RemoteDisconnected:
            end = "eof"
        except ConnectionResetError:
            end = "reset"
        except (socket.timeout, TimeoutError):
            end = "timeout"
        except (http.client.HTTPException, OSError) as e:
            end = "reset" if isinstance(e, OSError) else "eof"
        if end:
            report("%d %s" % (n, end))
            break
        body, complete = b"", True
        try:
            while True:     # in pieces: what arrived before a reset is kept
                piece = r.read1(65536)
                if not piece:
                    break
                body += piece
            if r.length:    # Content-Length not reached: cut short
                complete = False
        except http.client.IncompleteRead as e:
            body, complete = body + e.partial, False
        except (OSError, http.client.HTTPException):
            complete = False
        with open("%s.%d" % (out, n), "wb") as f:
            f.write(body)
        report("%d %s%d %d" % (n, "" if complete else "incomplete ", r.status, len(body)))
        if not complete:
            break
    report("end %s" % (end or ended(s, fp)))
    s.close()


def raw(args):
    host, port, out, data = args[0], int(args[1]), args[2], args[3]
    payload = data.encode().decode("unicode_escape").encode("latin-1")
    got = b""
    end = "eof"
    try:
        s = socket.create_connection((host, port), timeout=TIMEOUT)
        s.sendall(payload)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
    except (socket.timeout, TimeoutError):
        end = "timeout"
    except OSError:
        end = "reset"
    with open(out + ".1", "wb") as f:
        f.write(got)
    report("1 %s %d" % (end, len(got)))


JOBS = {"get": get, "pipeline": pipeline, "raw": raw}


def main():
    global _report
    jobs, cur = [], []
    for a in sys.argv[1:]:
        if a == "::":
            jobs.append(cur)
            cur = []
        else:
            cur.append(a)
    jobs.append(cur)
    for job in jobs:
        if len(job) < 5 or job[0] not in JOBS:
            sys.stderr.write(__doc__)
            return 2
    for job in jobs:
        out = [a for a in job[1:] if not a.startswith("--")][2]
        with open(out + ".txt", "w") as _report:
            try:
                JOBS[job[0]](job[1:])
            except Exception as e:      # report it, go on with the next job
                report("job %s failed: %s: %s" % (job[0], type(e).__name__, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
