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

Prints "rawhttpd: listening on PORT" once it listens.
"""
import argparse
import socket
import socketserver
import sys

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
