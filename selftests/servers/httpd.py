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
  ?encoding=CODING  Content-Encoding: CODING, the body encoded on the fly
                    (gzip and x-gzip: gzip with mtime 0; deflate: the zlib
                    format of RFC 9110; deflate-raw: a raw deflate stream
                    labelled "deflate", as some servers send; br and zstd:
                    the brotli and zstd commands; identity: unchanged)
  ?chunk=BYTES      with chunked: chunks of BYTES (default 16384), each
                    written by its own send
  ?ext=1            with chunked: chunk extensions on every chunk size line
  ?trailer=1        with chunked: trailer fields after the last chunk
  ?eof=1            HTTP/1.0 framing: no Content-Length, the body ends
                    with the connection
  ?v10=1            "HTTP/1.0" status line (and "Connection: keep-alive"
                    when the client asked for it and the body is framed)
  ?nodelay=1        TCP_NODELAY on this connection from now on (as nginx
                    does on keep-alive connections): every write leaves at
                    once, small writes are not coalesced
  ?log=1            log "httpd: sent PATH STATUS LENGTH SHA256" on stderr
                    once the body (after encoding and range, before chunked
                    framing) has been sent, and "httpd: stall PATH OFFSET"
                    when a stall begins

GET and HEAD honour a single "Range: bytes=A-B" / "A-" / "-N": 206 with
Content-Range (416 when unsatisfiable); a multi-range request gets the whole
body (200), as RFC 9110 allows.  With "Expect: 100-continue" on an upload
the interim "100 Continue" is sent (http.server) and logged as
"httpd: continue METHOD PATH".

Prints "httpd: listening on PORT" for each port once it listens.
"""
import argparse
import gzip
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

BLOCK = 16384

def raw_deflate(data):
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()


def tool(*argv):
    """An encoder running a command (brotli, zstd: not in the stdlib)."""
    return lambda data: subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                                       check=True).stdout


# ?encoding= value: (Content-Encoding label, encoder)
ENCODERS = {
    "gzip": ("gzip", lambda b: gzip.compress(b, mtime=0)),
    "x-gzip": ("x-gzip", lambda b: gzip.compress(b, mtime=0)),
    "deflate": ("deflate", zlib.compress),
    "deflate-raw": ("deflate", raw_deflate),
    "br": ("br", tool("brotli", "-c")),
    "zstd": ("zstd", tool("zstd", "-c", "-q")),
    "identity": ("identity", lambda b: b),
}


def byte_range(spec, size):
    """(start, end) of a single "bytes=" range over size bytes, None when
    the header does not ask for a single range, () when unsatisfiable."""
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", spec or "")
    if not m or not (m.group(1) or m.group(2)):
        return None
    if m.group(1):
        start = int(m.group(1))
        end = int(m.group(2)) + 1 if m.group(2) else size
        if m.group(2) and end <= start:
            return None     # invalid: ignored
    else:
        start, end = max(0, size - int(m.group(2))), size
        if not int(m.group(2)):
            return ()
    end = min(end, size)
    if start >= size:
        return ()
    return (start, end)


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
        got = [0]

        def read_body(left):
            """Read LEFT body bytes into the digest; False if cut short."""
            while left > 0:
                chunk = self.rfile.read(min(left, BLOCK))
                if not chunk:
                    return False
                digest.update(chunk)
                got[0] += len(chunk)
                left -= len(chunk)
            return True

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
                complete = read_body(size)
                if not complete:
                    break
                self.rfile.readline(16)
        else:
            complete = read_body(int(self.headers.get("Content-Length") or 0))
        total = got[0]
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

    def handle_expect_100(self):
        sys.stderr.write("httpd: continue %s %s\n" % (self.command, self.path))
        sys.stderr.flush()
        return super().handle_expect_100()

    def serve(self, send_body):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = self.translate_path(url.path)
        if not os.path.isfile(path):
            self.send_error(404, "not found")
            return
        with open(path, "rb") as f:
            data = f.read()
        if q.get("nodelay") == "1":
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        encoding = q.get("encoding")
        if encoding is not None:
            if encoding not in ENCODERS:
                self.send_error(400, "unknown encoding")
                return
            try:
                encoding, encode = ENCODERS[encoding]
                data = encode(data)
            except (OSError, subprocess.CalledProcessError) as e:
                self.send_error(501, "cannot encode: %s" % e)
                return
        status = 200
        content_range = None
        rng = byte_range(self.headers.get("Range"), len(data))
        if rng == ():
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % len(data))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if rng:
            status = 206
            content_range = "bytes %d-%d/%d" % (rng[0], rng[1] - 1, len(data))
            data = data[rng[0]:rng[1]]
        rate = int(q.get("rate", 0))
        stall = float(q.get("stall", 0))
        stall_at = int(q.get("stall_at", len(data) // 2))
        chunked = q.get("chunked") == "1"
        chunk = max(1, int(q.get("chunk", BLOCK)))
        ext = q.get("ext") == "1"
        trailer = q.get("trailer") == "1"
        eof = q.get("eof") == "1"
        close = q.get("close") == "1" or eof
        v10 = q.get("v10") == "1"
        log = q.get("log") == "1"
        if eof:
            chunked = False
        keep_alive = (v10 and not close and (self.headers.get("Connection") or "").lower() == "keep-alive")

        if v10:
            self.protocol_version = "HTTP/1.0"   # this response only
        try:
            self.send_response(status)
        finally:
            if v10:
                del self.protocol_version
        self.send_header("Content-Type", q.get("type") or self.guess_type(path))
        if q.get("cd"):
            self.send_header("Content-Disposition",
                             'attachment; filename="%s"' % q["cd"])
        self.send_header("Accept-Ranges", "bytes")
        if encoding is not None:
            self.send_header("Content-Encoding", encoding)
        if content_range:
            self.send_header("Content-Range", content_range)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            if trailer:
                self.send_header("Trailer", "X-Body-Sha256, X-Chunks")
        elif not eof:
            self.send_header("Content-Length", str(len(data)))
        if close or self.close_connection:
            # also an HTTP/1.0 request without keep-alive: say so
            self.send_header("Connection", "close")
            self.close_connection = True
        elif v10:
            if keep_alive:
                self.send_header("Connection", "keep-alive")
            else:
                self.close_connection = True
        self.end_headers()
        if not send_body:
            return

        nchunks = 0

        def emit(buf):
            nonlocal nchunks
            if not buf:
                return
            if not chunked:
                self.wfile.write(buf)
                return
            for i in range(0, len(buf), chunk):
                piece = buf[i:i + chunk]
                nchunks += 1
                e = b';nfav-ext=%d;q="a b;c"' % nchunks if ext else b""
                self.wfile.write(b"%x%s\r\n" % (len(piece), e) + piece + b"\r\n")

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
                    if log:
                        sys.stderr.write("httpd: stall %s %d\n" % (self.path, off))
                        sys.stderr.flush()
                    time.sleep(stall)
                    stalled = True
                if rate:
                    ahead = off / rate - (time.monotonic() - t0)
                    if ahead > 0:
                        self.wfile.flush()
                        time.sleep(ahead)
            if chunked:
                last = b"0;nfav-ext=last" if ext else b"0"
                if trailer:
                    self.wfile.write(last + b"\r\nX-Body-Sha256: %s\r\n"
                                     b"X-Chunks: %d\r\n\r\n" %
                                     (hashlib.sha256(data).hexdigest().encode(), nchunks))
                else:
                    self.wfile.write(last + b"\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            self.close_connection = True
            return
        if log:
            sys.stderr.write("httpd: sent %s %d %d %s\n" % (self.path, status, len(data),
                                                           hashlib.sha256(data).hexdigest()))
            sys.stderr.flush()

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
