"""Runs one Python command in the fork server (fork_server.py), as `python ARGS...` would.

    python -I -S fork_client.py SOCKET_PATH ARGS...

Hands the server this process's stdin, stdout, stderr, working directory, environment and ARGS,
and exits with the command's exit code (or dies of the signal that ended it). Imports nothing
beyond the socket module, so it starts in milliseconds.
"""
import json
import os
import signal
import socket
import sys
import time

STARTUP_TIMEOUT_SECONDS = 120


def connect(path: str) -> socket.socket:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while True:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.connect(path)
            return client
        except (FileNotFoundError, ConnectionRefusedError):
            client.close()
            if time.monotonic() > deadline:
                sys.exit(f"fork_client: no fork server at {path} after {STARTUP_TIMEOUT_SECONDS} s (SEED_PYTHON_FORK_SERVER=0 runs Python directly)")
            time.sleep(0.02)


def main() -> None:
    path, argv = sys.argv[1], sys.argv[2:]
    client = connect(path)
    socket.send_fds(client, [b"\0"], [0, 1, 2])
    client.sendall(json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode())
    client.shutdown(socket.SHUT_WR)
    answer = b""
    while chunk := client.recv(64):
        answer += chunk
    if not answer:
        sys.exit("fork_client: the fork server closed the connection without an exit code")
    code = int(answer)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
