#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send raw bytes to HOST PORT, write everything received until the server
closes (or TIMEOUT seconds pass) to OUT.  \\r, \\n and \\xNN escapes in DATA
are decoded.  Exit 0 if the connection closed cleanly, 1 on reset, 2 on
timeout.  Usage: rawclient.py HOST PORT DATA OUT [TIMEOUT]"""
import socket
import sys


def main():
    host, port, data, out = sys.argv[1:5]
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 20
    payload = data.encode().decode("unicode_escape").encode("latin-1")
    got = b""
    rc = 0
    try:
        s = socket.create_connection((host, int(port)), timeout=timeout)
        s.sendall(payload)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        rc = 2
    except OSError:
        rc = 1
    with open(out, "wb") as f:
        f.write(got)
    return rc


if __name__ == "__main__":
    sys.exit(main())
