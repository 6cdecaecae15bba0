#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""HTTP/1.1 test server for the nfav selftests (Python stdlib only).

Serves the files of a directory with keep-alive and Content-Length, on one or
more ports, dual-stack ("::" with IPv4-mapped addresses) by default.  Query
parameters shape the response body so tests can hold or trickle transfers:

  ?rate=BYTES       send at most BYTES per second
  ?stall=SECS       stop for SECS seconds after stall_at bytes (default: half
                    the body), then send the rest
  ?stall_at=BYTES   where to stall
  ?chunked=1        Transfer-Encoding: chunked instead of Content-Length
  ?close=1          Connection: close after this response
  ?type=TYPE        Content-Type TYPE instead of the guess from the name
  ?cd=NAME          Content-Disposition: attachment; filename="NAME"

Prints "httpd: listening on PORT" for each port once it listens.
"""
import argparse
import hashlib
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

BLOCK = 16384


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nfav-test-httpd/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("httpd: %s %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self.serve(send_body=True)

    def do_HEAD(self):
        self.serve(send_body=False)

    def do_POST(self):
        """Read the body (Content-Length or chunked) and answer with its
        length and sha256; a complete upload is also logged on stderr as
        "httpd: upload METHOD PATH LENGTH SHA256"."""
        digest = hashlib.sha256()
        total = 0
        complete = True
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    complete = False
                    break
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                left = size
                while left > 0:
                    chunk = self.rfile.read(min(left, BLOCK))
                    if not chunk:
                        complete = False
                        break
                    digest.update(chunk)
                    total += len(chunk)
                    left -= len(chunk)
                if not complete:
                    break
                self.rfile.readline(16)
        else:
            left = int(self.headers.get("Content-Length") or 0)
            while left > 0:
                chunk = self.rfile.read(min(left, BLOCK))
                if not chunk:
                    complete = False
                    break
                digest.update(chunk)
                total += len(chunk)
                left -= len(chunk)
        if not complete:
            sys.stderr.write("httpd: incomplete %s %s %d\n" % (self.command, self.path, total))
            sys.stderr.flush()
            self.close_connection = True
            return
        sys.stderr.write("httpd: upload %s %s %d %s\n" % (self.command, self.path, total, digest.hexdigest()))
        sys.stderr.flush()
        body = b"received %d bytes sha256 %s\n" % (total, digest.hexdigest().encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST

    def serve(self, send_body):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = self.translate_path(url.path)
        if not os.path.isfile(path):
            self.send_error(404, "not found")
            return
        with open(path, "rb") as f:
            data = f.read()
        rate = int(q.get("rate", 0))
        stall = float(q.get("stall", 0))
        stall_at = int(q.get("stall_at", len(data) // 2))
        chunked = q.get("chunked") == "1"
        close = q.get("close") == "1"

        self.send_response(200)
        self.send_header("Content-Type", q.get("type") or self.guess_type(path))
        if q.get("cd"):
            self.send_header("Content-Disposition",
                             'attachment; filename="%s"' % q["cd"])
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body:
            return

        def emit(buf):
            if not buf:
                return
            if chunked:
                self.wfile.write(b"%x\r\n" % len(buf) + buf + b"\r\n")
            else:
                self.wfile.write(buf)

        try:
            off = 0
            t0 = time.monotonic()
            stalled = stall <= 0
            while off < len(data):
                end = min(off + BLOCK, len(data))
                if not stalled and end > stall_at:
                    end = max(stall_at, off)
                emit(data[off:end])
                off = end
                if not stalled and off >= stall_at:
                    self.wfile.flush()
                    time.sleep(stall)
                    stalled = True
                if rate:
                    ahead = off / rate - (time.monotonic() - t0)
                    if ahead > 0:
                        self.wfile.flush()
                        time.sleep(ahead)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            self.close_connection = True

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, family, handler, directory, verbose):
        self.address_family = family
        self.directory = directory
        self.verbose = verbose
        super().__init__(addr, handler)

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def finish_request(self, request, client_address):
        self.RequestHandlerClass(request, client_address, self,
                                 directory=self.directory)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--bind", default="::")
    ap.add_argument("--port", type=int, action="append")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    servers = [Server((args.bind, p), family, Handler, args.dir, args.verbose)
               for p in (args.port or [80])]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    for s in servers:
        print("httpd: listening on %d" % s.server_address[1], flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
