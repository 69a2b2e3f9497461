# SPDX-License-Identifier: MIT
#
# tests/libc/programs/fork.py - fork while other threads allocate: under a
# malloc that is not fork-safe, a child born while another thread held the
# allocator's lock deadlocks on its first allocation. Run with
# PYTHONMALLOC=malloc, so that every Python object goes through malloc.
import os
import sys
import threading

stop = False


def churn(seed):
    n = 0
    while not stop:
        junk = {i: str(i * seed) * (i % 7 + 1) for i in range(500)}
        n += len(junk)


threads = [threading.Thread(target=churn, args=(i + 1,)) for i in range(3)]
for t in threads:
    t.start()
children = int(sys.argv[1]) if len(sys.argv) > 1 else 200
for i in range(children):
    pid = os.fork()
    if pid == 0:
        blocks = [bytes(i % 300 + 1) for _ in range(2000)]
        os._exit(0 if len(blocks) == 2000 else 1)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        print("fork: child", i, "status", status)
        sys.exit(1)
stop = True
for t in threads:
    t.join()
print("fork: %d children allocated and exited while 3 threads allocated" % children)
