"""Runs the seed-code tests' Python commands in processes forked from one warm interpreter.

    python fork_server.py SOCKET_PATH MODULE...

Importing pandas, xgboost and boto3 costs a fresh interpreter about a second of CPU, and the tests
run Python some sixty times. This server imports MODULE... once, then serves each connection on
SOCKET_PATH by forking: the child takes the client's stdin, stdout and stderr (passed over the
socket), its working directory, environment and arguments, runs the command as `python ARGS...`
would (`-c CODE` or a script path), and the server answers with the child's exit code. Each command
still runs in a process of its own, in the state the server had after its imports. Commands of
several clients (the jest workers) run at the same time: the server collects each child's exit
status when SIGCHLD wakes it, and keeps accepting meanwhile.

Client (fork_client.py) and server speak over a Unix socket:
  client -> server  one byte carrying file descriptors 0, 1, 2, then JSON
                    {"argv": [...], "cwd": "...", "env": {...}}, then end of stream
  server -> client  the exit code, in decimal

The server ends when its stdin reaches end of file, i.e. when the process that started it ends.
"""
from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import runpy
import select
import signal
import socket
import sys
import traceback


def run_command(argv: list[str]) -> int:
    """Runs `python ARGV...` in this process as the interpreter would; returns the exit code."""
    try:
        if argv[:1] == ["-c"]:
            code, sys.argv = argv[1], ["-c", *argv[2:]]
            sys.path[0:0] = [""]
            exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
        else:
            script = argv[0]
            sys.argv = list(argv)
            sys.path[0:0] = [os.path.dirname(os.path.abspath(script))]
            runpy.run_path(script, run_name="__main__")
        return 0
    except SystemExit as exit_:
        if exit_.code is None:
            return 0
        if isinstance(exit_.code, int):
            return exit_.code
        print(exit_.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - the interpreter reports anything uncaught the same way
        traceback.print_exc()
        return 1


def serve_child(connection: socket.socket, fds: list[int], request: dict) -> None:
    """In the forked child: become the client's command, then exit with its code."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        os.close(fd)
    connection.close()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    code = run_command(request["argv"])
    try:
        atexit._run_exitfuncs()  # logging.shutdown and the like, as at interpreter exit
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed pipe must not change the exit code
                pass
        os._exit(code & 0xFF)


def receive(connection: socket.socket) -> tuple[list[int], dict]:
    _, fds, _, _ = socket.recv_fds(connection, 1, 3)
    if len(fds) != 3:
        raise ValueError(f"expected the client's stdin, stdout and stderr, got {len(fds)} descriptors")
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return fds, json.loads(b"".join(chunks))


def answer_finished(running: dict[int, socket.socket]) -> None:
    """Sends each finished child's exit code to its client."""
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = running.pop(pid, None)
        if connection is None:
            continue
        with connection:
            try:
                connection.sendall(str(os.waitstatus_to_exitcode(status)).encode())
            except OSError as error:  # the client is gone (killed by its test's deadline)
                print(f"fork server: cannot answer for pid {pid}: {error}", file=sys.stderr)


def main() -> None:
    path, modules = sys.argv[1], sys.argv[2:]
    del sys.path[0]  # this script's directory: a command gets its own (run_command)
    for module in modules:
        importlib.import_module(module)
    # Keep the imported objects out of the children's garbage collections: a collection touches
    # every tracked object, which would copy the whole inherited heap into each child.
    gc.collect()
    gc.freeze()
    # SIGCHLD makes select() return through this pipe; the handler itself has nothing to do.
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(16)
    os.rename(path + ".tmp", path)  # clients connect only once the server accepts
    running: dict[int, socket.socket] = {}
    while True:
        readable, _, _ = select.select([listener, sys.stdin, wake_read], [], [])
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
            listener.close()
            os.unlink(path)
            return
        if wake_read in readable:
            while True:
                try:
                    if not os.read(wake_read, 512):
                        break
                except BlockingIOError:
                    break
        answer_finished(running)
        if listener not in readable:
            continue
        connection, _ = listener.accept()
        try:
            fds, request = receive(connection)
        except (OSError, ValueError) as error:
            print(f"fork server: bad request: {error}", file=sys.stderr)
            connection.close()
            continue
        child = os.fork()
        if child == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (wake_read, wake_write):
                os.close(fd)
            for other in running.values():
                other.close()
            listener.close()
            serve_child(connection, fds, request)
        for fd in fds:
            os.close(fd)
        running[child] = connection
        answer_finished(running)


if __name__ == "__main__":
    main()
