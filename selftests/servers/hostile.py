#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile TCP peers for the nfav selftests (stdlib only, run in the guest).

  hostile.py rawsrv ADDR PORT IFACE MODE BODYFILE [SYNC-DIR]
      A server whose TCP is built by hand: a raw socket sends, a packet
      socket receives (the kernel's own RSTs for PORT must be dropped with a
      firewall rule in the server's namespace).  It answers one connection's
      request with "HTTP/1.1 200" and BODYFILE, segmented and ordered as MODE
      says, and never retransmits:
        inorder      in order, 100-byte segments
        synack-data  first a forged SYN-ACK carrying one byte at the next
                     sequence number, then the response in order
        ooo-wait     every segment but the first, then (once SYNC-DIR/go
                     exists; SYNC-DIR/ooo-sent is created before) the first
        upgrade-ooo  "101 Switching Protocols" and tunnel bytes: the last
                     tunnel segment first, the 101, then the others
        tiny         the headers, then the body in 1-byte segments; with
                     SYNC-DIR, creates SYNC-DIR/sent, then (once
                     SYNC-DIR/go exists) retransmits what the client does
                     not acknowledge, up to 60 s
        paws         timestamps on; the headers, then a decoy body of "A"s
                     with a stale timestamp (the client discards it), 1.5 s
                     later the real body at the same sequence number
        badack       the same with a decoy that acknowledges data the
                     client never sent
        lostcopy     the headers, a body of "A"s with TTL 33 (to be dropped
                     after the router), 1.5 s later the real body at the
                     same sequence number
        gapfill      BODYFILE is "A"s then a tail of "Z"s.  The headers;
                     the "A"s and a tail of "C"s (same length) with TTL 33,
                     which the client never gets; 1.5 s later, as a real
                     sender from the client's ACK, the "A"s again and the
                     "Z" tail (BODYFILE), up to 30 s
        holefill     the headers, the body in 4096-byte segments but the
                     first, 1 s later the first; then as a real sender
                     from the client's ACK, up to 30 s
        pin          the headers and BODYFILE with TTL 33 (the client never
                     gets it), then every 2 s the first body segment again
                     (the connection stays busy), until reset or 120 s
  hostile.py oobsrv ADDR PORT BODYFILE
      A real-socket server that sends a close-delimited HTTP/1.0 response
      whose body carries one urgent (MSG_OOB) byte "Z" after 16 bytes.
  hostile.py simsrv LADDR LPORT RADDR RPORT BODYFILE
  hostile.py simcli LADDR LPORT RADDR RPORT OUT
      The two ends of a simultaneous open: both connect().  The client then
      sends a GET and writes what it receives to OUT; the server reads the
      request and answers with BODYFILE, then closes.
  hostile.py keepalive HOST PORT PATH1 PATH2 SYNC-DIR OUT
      One connection, two HTTP/1.1 GETs: the second once SYNC-DIR/go exists
      (SYNC-DIR/first-done is created after the first answer).  Everything
      the second request received is written to OUT.
  hostile.py holdsrv ADDR PORT
      Accepts connections and keeps them open, silent, until killed.
  hostile.py holdcli HOST PORT N READY
      Opens N connections to HOST PORT, creates READY, keeps them open until
      killed.
  hostile.py synflood PREFIX DST PORT N
      N SYNs to DST PORT from spoofed addresses PREFIX.3 to PREFIX.250 (hosts
      that do not exist) and distinct ports: half-open connections that never
      complete.
  hostile.py upgradecli HOST PORT OUT
      Sends an Upgrade request, writes everything received until the
      connection closes (or 10 s of silence) to OUT.
"""
import os
import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32


class RawTCP:
    """One passive TCP connection on a raw socket, no retransmissions."""

    def __init__(self, addr, port, iface):
        self.addr, self.port = addr, port
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                socket.htons(ETH_P_IP))
        self.rx.bind((iface, ETH_P_IP))
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                socket.IPPROTO_RAW)
        self.peer = None
        self.tsval = None	# timestamps on every segment once set
        self.isn = random.randrange(1 << 32)
        self.snd_nxt = self.isn
        self.rcv_nxt = 0

    def recv(self, timeout):
        """Next TCP segment for us: (flags, seq, ack, payload) or None."""
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            self.rx.settimeout(left)
            try:
                pkt = self.rx.recv(65535)
            except socket.timeout:
                return None
            if len(pkt) < 40 or pkt[9] != 6:
                continue
            ihl = (pkt[0] & 15) * 4
            tot = struct.unpack("!H", pkt[2:4])[0]
            src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
            t = pkt[ihl:tot]
            sport, dport, seq, ack, off, flags = struct.unpack("!HHIIBB", t[:14])
            if dst != self.addr or dport != self.port:
                continue
            if self.peer and (src, sport) != self.peer:
                continue
            return (src, sport, flags, seq, ack, t[(off >> 4) * 4:])

    def send(self, flags, payload=b"", seq=None, opts=b"", urg=0, tsval=None,
             ack=None, ttl=64):
        seq = self.snd_nxt if seq is None else seq
        ack = self.rcv_nxt if ack is None else ack
        if self.tsval is not None:
            if tsval is None:
                self.tsval += 1
                tsval = self.tsval
            opts += struct.pack("!BBBBII", 1, 1, 8, 10, tsval, 0)
        src = socket.inet_aton(self.addr)
        dst = socket.inet_aton(self.peer[0])
        off = (20 + len(opts)) // 4
        tcp = struct.pack("!HHIIBBHHH", self.port, self.peer[1], seq & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, off << 4, flags, 65535, 0,
                          urg) + opts
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                         random.randrange(65536), 0x4000, ttl, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        self.tx.sendto(ip + tcp + payload, (self.peer[0], 0))

    def accept(self, timeout=30, ts=None, wscale=None):
        while True:
            seg = self.recv(timeout)
            if seg is None:
                raise SystemExit("rawsrv: no SYN")
            src, sport, flags, seq, _ack, _data = seg
            if flags & SYN and not flags & ACK:
                break
        self.peer = (src, sport)
        self.rcv_nxt = seq + 1
        self.tsval = ts
        opts = struct.pack("!BBH", 2, 4, 1460)
        if wscale is not None:
            # window scaling: the client may open a window past 64 KiB
            opts += struct.pack("!BBBB", 1, 3, 3, wscale)
        self.send(SYN | ACK, opts=opts)
        self.snd_nxt = self.isn + 1

    def read_request(self, timeout=30):
        req = b""
        while b"\r\n\r\n" not in req:
            seg = self.recv(timeout)
            if seg is None:
                raise SystemExit("rawsrv: no request")
            _s, _p, flags, seq, _ack, data = seg
            if data and seq == self.rcv_nxt:
                req += data
                self.rcv_nxt += len(data)
                self.send(ACK)
        return req

    def finish_reliably(self, base, resp, secs, go=None, idle=1.0, burst=1):
        """FIN after @resp (sent from @base); then, for up to @secs seconds,
        once file @go exists (if given), resend @burst segments of 1000
        bytes from the client's ACK whenever it stops advancing for @idle
        seconds (what a real sender's retransmission timer does), until the
        client has acknowledged everything and sent its FIN."""
        end = base + len(resp)
        self.send(FIN | ACK, seq=end)
        acked, last = 0, time.time()        # offsets from base
        deadline = time.time() + secs
        while time.time() < deadline:
            seg = self.recv(0.2)
            if seg is not None:
                _s, _p, flags, seq, ack, data = seg
                if flags & RST:
                    return
                off = (ack - base) % (1 << 32)
                if flags & ACK and acked < off <= len(resp) + 1:
                    acked, last = off, time.time()
                if flags & FIN and acked == len(resp) + 1:
                    self.rcv_nxt = seq + len(data) + 1
                    self.send(ACK, seq=end + 1)
                    return
            if time.time() - last >= idle and (go is None or
                                                os.path.exists(go)):
                if acked < len(resp):
                    for o in range(acked, min(acked + 1000 * burst,
                                              len(resp)), 1000):
                        self.send(ACK | PSH, resp[o:o + 1000], seq=base + o)
                else:
                    self.send(FIN | ACK, seq=end)
                last = time.time()

    def finish(self, end):
        """FIN at @end, then answer the client's FIN, for a few seconds."""
        self.send(FIN | ACK, seq=end)
        deadline = time.time() + 5
        while time.time() < deadline:
            seg = self.recv(deadline - time.time())
            if seg is None:
                break
            _s, _p, flags, seq, _ack, data = seg
            if flags & RST:
                break
            if flags & FIN:
                self.rcv_nxt = seq + len(data) + 1
                self.send(ACK, seq=end + 1)
                break


def recv_all(s):
    """Everything received until the peer closes (or resets, or times out)."""
    got = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except OSError:
        pass
    return got


def recv_request(s):
    """Read up to the end of a request's header section."""
    req = b""
    while b"\r\n\r\n" not in req:
        d = s.recv(4096)
        if not d:
            break
        req += d
    return req


def segments(data, size):
    return [(i, data[i:i + size]) for i in range(0, len(data), size)]


def rawsrv(addr, port, iface, mode, bodyfile, sync=None):
    body = open(bodyfile, "rb").read()
    c = RawTCP(addr, int(port), iface)
    c.accept(ts=1000 if mode == "paws" else None,
             wscale=7 if mode in ("gapfill", "pin", "holefill") else None)
    c.read_request()
    base = c.snd_nxt
    if mode == "lostcopy":
        # The body with TTL 33, which the client's firewall drops after
        # the router (a later hop losing it), then a different body at the
        # same place: the receiver accepts that one.
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        c.send(ACK | PSH, head, seq=base)
        time.sleep(0.1)
        c.send(ACK | PSH, b"A" * len(body), seq=base + len(head), ttl=33)
        time.sleep(1.5)
        c.send(ACK | PSH, body, seq=base + len(head))
        time.sleep(0.5)
        c.finish(base + len(head) + len(body))
        return
    if mode == "gapfill":
        # More bytes than nfav keeps copies of (4 x hold-limit) released
        # and never acknowledged (TTL 33: the client's firewall drops
        # them), so that the tail would go without a copy; then that tail
        # again, different.  The client must never get bytes nfav did not
        # scan: the "Z" tail is either scanned or never delivered.
        fill = body.index(b"Z")
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        c.send(ACK | PSH, head, seq=base)
        time.sleep(0.1)
        first = body[:fill] + b"C" * (len(body) - fill)
        for off, data in segments(first, 1000):
            c.send(ACK | PSH, data, seq=base + len(head) + off, ttl=33)
            time.sleep(0.005)
        time.sleep(1.5)
        c.finish_reliably(base, head + body, 30, idle=0.3, burst=16)
        return
    if mode == "holefill":
        # A hole in front of as many out-of-order bytes as nfav queues.
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        resp = head + body
        segs = segments(resp, 4096)
        for off, data in segs[1:]:
            c.send(ACK | PSH, data, seq=base + off)
            time.sleep(0.002)
        time.sleep(1)
        c.send(ACK | PSH, segs[0][1], seq=base)
        c.finish_reliably(base, resp, 30, idle=0.3, burst=16)
        return
    if mode == "pin":
        # Copies nfav keeps of released bytes that are never acknowledged.
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        c.send(ACK | PSH, head, seq=base)
        time.sleep(0.1)
        for off, data in segments(body, 1000):
            c.send(ACK | PSH, data, seq=base + len(head) + off, ttl=33)
            time.sleep(0.002)
        deadline = time.time() + 120
        while time.time() < deadline:
            seg = c.recv(2)
            if seg is not None and seg[2] & RST:
                return
            c.send(ACK | PSH, body[:1000], seq=base + len(head), ttl=33)
        return
    if mode in ("paws", "badack"):
        # A decoy the client discards (paws: its timestamp is older than
        # the headers'; badack: it acknowledges data the client never
        # sent), scanned clean by a middlebox that does not check it; then
        # the real body at the same place.
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        c.send(ACK | PSH, head, seq=base)
        time.sleep(0.1)
        if mode == "paws":
            c.send(ACK | PSH, b"A" * len(body), seq=base + len(head), tsval=1)
        else:
            c.send(ACK | PSH, b"A" * len(body), seq=base + len(head),
                   ack=c.rcv_nxt + 1000000)
        time.sleep(1.5)
        c.send(ACK | PSH, body, seq=base + len(head))
        time.sleep(0.5)
        c.finish(base + len(head) + len(body))
        return
    if mode == "upgrade-ooo":
        head = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\n\r\n")
        third = len(body) // 3
        segs = [(0, head), (len(head), body[:third]),
                (len(head) + third, body[third:2 * third]),
                (len(head) + 2 * third, body[2 * third:])]
        order = [segs[3], segs[0], segs[1], segs[2]]
        resp = head + body
    else:
        resp = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
        segs = segments(resp, 100)
        order = segs
        if mode == "synack-data":
            c.send(SYN | ACK, b"x", seq=base)
            time.sleep(0.2)
        elif mode == "ooo-wait":
            order = segs[1:]
        elif mode == "tiny":
            hl = len(resp) - len(body)
            order = [(0, resp[:hl])] + [(hl + i, body[i:i + 1])
                                        for i in range(len(body))]
        elif mode != "inorder":
            raise SystemExit("rawsrv: unknown mode " + mode)
    for n, (off, data) in enumerate(order):
        c.send(ACK | PSH, data, seq=base + off)
        if mode != "tiny" or n % 50 == 0:
            time.sleep(0.02)
    if mode == "ooo-wait":
        open(os.path.join(sync, "ooo-sent"), "w").close()
        deadline = time.time() + 30
        while not os.path.exists(os.path.join(sync, "go")):
            if time.time() > deadline:
                raise SystemExit("rawsrv: no go")
            time.sleep(0.05)
        c.send(ACK | PSH, segs[0][1], seq=base)
    time.sleep(0.2)
    if mode == "tiny" and sync:
        # Everything sent once; once the test says so (SYNC-DIR/go), go on
        # as a real sender would until the client has it all.
        open(os.path.join(sync, "sent"), "w").close()
        c.finish_reliably(base, resp, 60, os.path.join(sync, "go"))
        return
    c.finish(base + len(resp))


def oobsrv(addr, port, bodyfile):
    body = open(bodyfile, "rb").read()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(8)
    while True:
        s, _ = ls.accept()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        recv_request(s)
        s.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        time.sleep(0.1)
        s.sendall(body[:16])
        time.sleep(0.1)
        s.send(b"Z", socket.MSG_OOB)
        time.sleep(0.1)
        s.sendall(body[16:])
        time.sleep(0.1)
        s.close()


def simsock(laddr, lport):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((laddr, int(lport)))
    s.settimeout(20)
    return s


def simsrv(laddr, lport, raddr, rport, bodyfile):
    body = open(bodyfile, "rb").read()
    deadline = time.time() + 20
    while True:
        s = simsock(laddr, lport)
        try:
            s.connect((raddr, int(rport)))
            break
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    recv_request(s)
    s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
              % len(body) + body)
    time.sleep(0.5)
    s.close()


def simcli(laddr, lport, raddr, rport, out):
    s = simsock(laddr, lport)
    s.connect((raddr, int(rport)))
    s.sendall(b"GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
    open(out, "wb").write(recv_all(s))


def http_body(s, buf):
    """Read one Content-Length response from s; returns (body, rest)."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise EOFError
        buf += d
    head, buf = buf.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    while len(buf) < n:
        d = s.recv(65536)
        if not d:
            raise EOFError
        buf += d
    return buf[:n], buf[n:]


def keepalive(host, port, p1, p2, sync, out):
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p1.encode())
    _body, rest = http_body(s, b"")
    open(os.path.join(sync, "first-done"), "w").close()
    deadline = time.time() + 30
    while not os.path.exists(os.path.join(sync, "go")):
        if time.time() > deadline:
            raise SystemExit("keepalive: no go")
        time.sleep(0.05)
    s.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p2.encode())
    open(out, "wb").write(rest + recv_all(s))


def upgradecli(host, port, out):
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\n\r\n")
    open(out, "wb").write(recv_all(s))


def holdsrv(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(65535)
    keep = []
    while True:
        keep.append(ls.accept()[0])


def holdcli(host, port, n, ready):
    keep = []
    for _ in range(int(n)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(20)
        s.connect((host, int(port)))
        keep.append(s)
    open(ready, "w").close()
    while True:
        time.sleep(60)


def synflood(prefix, dst, port, n):
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    dsta = socket.inet_aton(dst)
    for i in range(int(n)):
        src = socket.inet_aton("%s.%d" % (prefix, 3 + i % 248))
        sport = 1024 + i // 248
        tcp = struct.pack("!HHIIBBHHH", sport, int(port), random.randrange(1 << 32),
                          0, 5 << 4, SYN, 65535, 0, 0)
        pseudo = src + dsta + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0x4000, 64, 6,
                         0, src, dsta)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        tx.sendto(ip + tcp, (dst, 0))


def main():
    cmds = {"holdsrv": holdsrv, "holdcli": holdcli, "synflood": synflood,
            "rawsrv": rawsrv, "oobsrv": oobsrv, "simsrv": simsrv,
            "simcli": simcli, "keepalive": keepalive,
            "upgradecli": upgradecli}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
