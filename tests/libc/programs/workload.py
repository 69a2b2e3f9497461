# SPDX-License-Identifier: MIT
#
# tests/libc/programs/workload.py - a Python workload for the real-program
# test: dicts, strings, regular expressions, JSON and threads, with output
# that depends only on the computation (run with PYTHONHASHSEED=0).
import hashlib
import json
import re
import sys
import threading
from collections import Counter, defaultdict

WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
         "omicron pi rho sigma tau upsilon phi chi psi omega").split()


def text(n, seed):
    """n pseudo-random words, from a linear congruential generator."""
    x = seed
    out = []
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out.append(WORDS[x % len(WORDS)] + str(x % 97))
    return " ".join(out)


def dicts():
    d = {}
    for i in range(200000):
        d["key%d" % i] = i * i
    for i in range(0, 200000, 3):
        del d["key%d" % i]
    nested = defaultdict(list)
    for k, v in d.items():
        nested[v % 101].append(k)
    sizes = sorted((len(v), k) for k, v in nested.items())
    print("dicts:", len(d), sizes[:3], sizes[-3:])


def strings():
    s = text(50000, 7)
    parts = s.split()
    joined = "-".join(reversed(parts))
    up = joined.upper().replace("A", "@")
    counts = Counter(parts)
    print("strings:", len(s), len(joined), up[:40], counts.most_common(3))
    b = bytearray()
    for i in range(20000):
        b += ("%05d|" % i).encode()
    print("bytes:", len(b), hashlib.sha256(bytes(b)).hexdigest()[:16])
    big = "x" * (16 << 20)  # a block bareslab maps on its own
    print("big:", len(big + "y"), big.count("x"))


def regexes():
    s = text(40000, 11)
    pat = re.compile(r"\b(\w+?)(\d{2})\b")
    found = pat.findall(s)
    subst = re.sub(r"(a|e)(\d)", lambda m: m.group(2) + m.group(1), s)
    print("regex:", len(found), found[:3], len(subst), subst[:50])
    print("regex split:", len(re.split(r"\s+(?=t)", s)))


def jsons():
    doc = {"items": [{"id": i, "name": "item%d" % i, "tags": WORDS[i % 24:i % 24 + 3],
                      "price": i * 0.25, "nested": {"a": [i] * (i % 5)}}
                     for i in range(20000)]}
    enc = json.dumps(doc, sort_keys=True)
    dec = json.loads(enc)
    again = json.dumps(dec, sort_keys=True, indent=1)
    print("json:", len(enc), len(again), dec["items"][12345]["tags"],
          hashlib.md5(enc.encode()).hexdigest())


def threads():
    results = [None] * 8
    lock = threading.Lock()
    shared = []

    def work(i):
        local = {}
        for j in range(20000):
            local[j] = text(3, i * 100000 + j)
        digest = hashlib.sha1("".join(local[j] for j in range(0, 20000, 7)).encode())
        results[i] = digest.hexdigest()[:12]
        with lock:
            shared.extend(range(i * 1000, i * 1000 + 1000))

    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("threads:", results, len(shared), sum(shared))


def main():
    dicts()
    strings()
    regexes()
    jsons()
    threads()
    print("warning on stderr", file=sys.stderr)
    return 3  # a distinctive exit status, compared too


if __name__ == "__main__":
    sys.exit(main())
