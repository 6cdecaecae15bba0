#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A tiny HTTP CONNECT proxy for the nfav selftests (Python stdlib only).

  connectproxy.py --port PORT [--allow PORT]... [--refuse-body FILE]

"CONNECT host:port HTTP/1.x": when port is allowed (every port if no
--allow is given) the proxy connects, answers "200 Connection established"
and relays bytes both ways until both sides are done; otherwise it answers
"403 Forbidden" with FILE's bytes (default: a short text) as the body and
closes.  Any other request gets a 405.  Each tunnel is logged on stderr as
"connectproxy: tunnel HOST:PORT UP DOWN" (bytes client->target,
target->client) when it ends.

Prints "connectproxy: listening on PORT" once it listens.
"""
import argparse
import selectors
import socket
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    rbufsize = 0        # unbuffered: nothing after the head is read ahead

    def reply(self, status, body=b""):
        self.wfile.write(b"HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" %
                         (status, len(body), body))
        self.wfile.flush()

    def handle(self):
        line = self.rfile.readline(4096)
        while True:     # headers
            h = self.rfile.readline(4096)
            if h in (b"\r\n", b"\n", b""):
                break
        parts = line.split()
        if len(parts) != 3 or parts[0] != b"CONNECT":
            self.reply(b"405 Method Not Allowed")
            return
        host, _, port = parts[1].decode("ascii", "replace").rpartition(":")
        host = host.strip("[]")
        try:
            port = int(port)
        except ValueError:
            self.reply(b"400 Bad Request")
            return
        if self.server.allow and port not in self.server.allow:
            self.reply(b"403 Forbidden", self.server.refuse_body)
            return
        try:
            up = socket.create_connection((host, port), timeout=10)
        except OSError:
            self.reply(b"502 Bad Gateway")
            return
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        self.relay(up, "%s:%d" % (host, port))

    def relay(self, up, name):
        down = self.request
        count = {down: 0, up: 0}
        peer = {down: up, up: down}
        open_ = {down, up}
        sel = selectors.DefaultSelector()
        for s in open_:
            s.setblocking(True)
            s.settimeout(30)
            sel.register(s, selectors.EVENT_READ)
        try:
            while open_:
                for key, _ in sel.select(timeout=30):
                    s = key.fileobj
                    try:
                        data = s.recv(65536)
                    except OSError:
                        data = b""
                    if data:
                        count[s] += len(data)
                        peer[s].sendall(data)
                        continue
                    sel.unregister(s)
                    open_.discard(s)
                    try:
                        peer[s].shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
        finally:
            sel.close()
            up.close()
        sys.stderr.write("connectproxy: tunnel %s %d %d\n" % (name, count[down], count[up]))
        sys.stderr.flush()


class Server(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--allow", type=int, action="append", default=[])
    ap.add_argument("--refuse-body")
    args = ap.parse_args()
    srv = Server(("::", args.port), Handler)
    srv.allow = set(args.allow)
    srv.refuse_body = b"CONNECT refused by the test proxy\n"
    if args.refuse_body:
        with open(args.refuse_body, "rb") as f:
            srv.refuse_body = f.read()
    print("connectproxy: listening on %d" % args.port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
