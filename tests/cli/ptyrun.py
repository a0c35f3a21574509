#!/usr/bin/env python3
"""ptyrun.py COLUMNS COMMAND...: runs COMMAND with its stdout and stderr
on a pseudo-terminal COLUMNS wide (and $COLUMNS unset, so that the program
asks the terminal), and prints what it wrote, line ends as in a file."""
import fcntl, os, pty, struct, sys, termios

cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    os.environ.pop("COLUMNS", None)
    os.execvp(sys.argv[2], sys.argv[2:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(status))
