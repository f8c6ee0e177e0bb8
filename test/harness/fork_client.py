"""Runs one Python command in the fork server (fork_server.py), as `python ARGS...` would.

    python -I -S fork_client.py SOCKET_PATH SERVER_PID ARGS...

Hands the server this process's stdin, stdout, stderr, working directory, environment and ARGS,
and exits with the command's exit code (or dies of the signal that ended it). Imports nothing
beyond the socket module, so it starts in milliseconds. While the server is still starting (its
imports take a second or two) the client waits for its socket; a server that has died is noticed
at once (exit code 75, the reason on stderr), never waited for.
"""
import json
import os
import signal
import socket
import sys
import time

STARTUP_TIMEOUT_SECONDS = 60
SERVER_GONE = 75


def gone(reason: str) -> None:
    print(f"fork_client: {reason} (SEED_PYTHON_FORK_SERVER=0 runs Python directly)", file=sys.stderr)
    sys.exit(SERVER_GONE)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def connect(path: str, server_pid: int) -> socket.socket:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while True:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.connect(path)
            return client
        except (FileNotFoundError, ConnectionRefusedError):
            client.close()
            if not alive(server_pid):
                gone(f"the fork server (pid {server_pid}) has exited")
            if time.monotonic() > deadline:
                gone(f"no fork server at {path} after {STARTUP_TIMEOUT_SECONDS} s")
            time.sleep(0.02)


def main() -> None:
    path, server_pid, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    client = connect(path, server_pid)
    socket.send_fds(client, [b"\0"], [0, 1, 2])
    client.sendall(json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode())
    client.shutdown(socket.SHUT_WR)
    answer = b""
    while chunk := client.recv(64):
        answer += chunk
    if not answer:
        gone("the fork server closed the connection without an exit code")
    code = int(answer)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
