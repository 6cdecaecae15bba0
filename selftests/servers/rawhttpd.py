#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A deliberately broken HTTP server for the nfav selftests.

Reads one request head per connection and answers with canned bytes chosen
by the request path, most of them hostile framing around the EICAR test
string:

  /dup-cl        two different Content-Length headers
  /te-cl         Transfer-Encoding: chunked and Content-Length together
  /bad-chunk     an invalid chunk size
  /long-ctype    a Content-Type header longer than the parser's line limit
  /upgrade       101 Switching Protocols, then EICAR as raw tunnel bytes
  /echo          (anything not HTTP) echo the client's bytes back

and, for http_hostile.sh, framings and codings some client decodes (EICAR
split over two chunks where chunked, so that only a decoder finds it):

  /status-lower      "http/1.1 200 OK", chunked (curl takes it)
  /status-lead       " HTTP/1.1 200 OK", chunked (python takes it)
  /status-102-lower  102 Processing, then "http/1.1 200 OK", chunked
  /status-102-ce     102 with Content-Encoding and Transfer-Encoding, then
                     a 200 with EICAR as it is (clients ignore the 102's)
  /ce-none           Content-Encoding: none (curl: identity)
  /ce-custom         Content-Encoding: x-custom (clients keep the bytes)
  /te-custom         Transfer-Encoding: x-custom, close-delimited (python
                     keeps the bytes)
  /gzip3             Content-Encoding: gzip, gzip, gzip
  /gzip-2hdr         Content-Encoding: gzip, gzip and Content-Encoding: gzip
  /gzip5             five gzip codings (curl's most)
  /gzip6             six gzip codings (curl refuses more than five)
  /deflate-badsum    deflate with a bad Adler-32 (curl hands the data over)
  /deflate-trailing  deflate, then bytes after the end of the stream
  /bomb              gzip: 8 MiB of zeros in 8 KiB

Prints "rawhttpd: listening on PORT" once it listens.
"""
import argparse
import gzip
import socket
import socketserver
import sys
import zlib

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
         b"$H+H*")

RESPONSES = {
    b"/dup-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 68\r\n"
                b"Content-Length: 60\r\n\r\n" + EICAR,
    b"/te-cl": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Length: 68\r\n\r\n44\r\n" + EICAR + b"\r\n0\r\n\r\n",
    b"/bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"4z\r\n" + EICAR + b"\r\n0\r\n\r\n",
    b"/long-ctype": b"HTTP/1.1 200 OK\r\nContent-Type: text/" + b"x" * 2000 +
                    b"\r\nContent-Length: 68\r\n\r\n" + EICAR,
    b"/upgrade": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\n\r\n" + EICAR,
}



def chunked_split(body):
    """Two chunks, cut in the middle of @body, and the last chunk."""
    h = len(body) // 2
    return (b"%x\r\n" % h + body[:h] + b"\r\n" +
            b"%x\r\n" % (len(body) - h) + body[h:] + b"\r\n0\r\n\r\n")


def with_cl(body, headers=b""):
    return (b"HTTP/1.1 200 OK\r\n" + headers +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def gz(body, times=1):
    for _ in range(times):
        body = gzip.compress(body)
    return body


def bomb():
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zero = bytes(1 << 20)
    return b"".join(c.compress(zero) for _ in range(8)) + c.flush()


CHUNKED = b"Transfer-Encoding: chunked\r\n\r\n" + chunked_split(EICAR)
_badsum = bytearray(zlib.compress(EICAR))
_badsum[-1] ^= 0xFF
HOSTILE = {
    b"/status-lower": lambda: b"http/1.1 200 OK\r\n" + CHUNKED,
    b"/status-lead": lambda: b" HTTP/1.1 200 OK\r\n" + CHUNKED,
    b"/status-102-lower": lambda: b"HTTP/1.1 102 Processing\r\n\r\n"
                                  b"http/1.1 200 OK\r\n" + CHUNKED,
    b"/status-102-ce": lambda: b"HTTP/1.1 102 Processing\r\n"
                               b"Content-Encoding: deflate\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n" +
                               with_cl(EICAR),
    b"/ce-none": lambda: with_cl(EICAR, b"Content-Encoding: none\r\n"),
    b"/ce-custom": lambda: with_cl(EICAR, b"Content-Encoding: x-custom\r\n"),
    b"/te-custom": lambda: b"HTTP/1.1 200 OK\r\n"
                           b"Transfer-Encoding: x-custom\r\n\r\n" + EICAR,
    b"/gzip3": lambda: with_cl(gz(EICAR, 3),
                               b"Content-Encoding: gzip, gzip, gzip\r\n"),
    b"/gzip-2hdr": lambda: with_cl(gz(EICAR, 3),
                                   b"Content-Encoding: gzip, gzip\r\n"
                                   b"Content-Encoding: gzip\r\n"),
    b"/gzip5": lambda: with_cl(gz(EICAR, 5), b"Content-Encoding: gzip, gzip, "
                               b"gzip, gzip, gzip\r\n"),
    b"/gzip6": lambda: with_cl(gz(EICAR, 6), b"Content-Encoding: gzip, gzip, "
                               b"gzip, gzip, gzip, gzip\r\n"),
    b"/deflate-badsum": lambda: with_cl(bytes(_badsum),
                                        b"Content-Encoding: deflate\r\n"),
    b"/deflate-trailing": lambda: with_cl(zlib.compress(EICAR) + b"TRAILING",
                                          b"Content-Encoding: deflate\r\n"),
    b"/bomb": lambda: with_cl(bomb(), b"Content-Encoding: gzip\r\n"),
}


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            if not data.split(b" ", 1)[0].isalpha():
                break       # not HTTP: echo
        parts = data.split(b" ", 2)
        if len(parts) >= 2 and parts[1] in RESPONSES:
            s.sendall(RESPONSES[parts[1]])
        elif len(parts) >= 2 and parts[1] in HOSTILE:
            s.sendall(HOSTILE[parts[1]]())
        else:
            s.sendall(data)
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                s.sendall(chunk)
        try:
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    srv = Server(("::", args.port), Handler)
    print("rawhttpd: listening on %d" % args.port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
