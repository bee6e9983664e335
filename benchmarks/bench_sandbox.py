"""Benchmark of the Ploomes sandbox: start-up time, page throughput and peak memory.

    python benchmarks/bench_sandbox.py [--scale 1000000] [--pages 100]

Prints figures only; nothing is asserted.
"""
# A command-line benchmark: printing its figures is its output.
# pylint: disable=print-used

import argparse
import http.client
import json
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.ploomes import PloomesSandbox  # noqa: E402


class Http:
    """One keep-alive connection to the sandbox."""

    def __init__(self, base_url, key):
        self.conn = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=120)
        self.key = key

    def get(self, path, **params):
        query = urlencode({f"${k}": v for k, v in params.items()})
        self.conn.request("GET", f"{path}?{query}", headers={"User-Key": self.key})
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{resp.status}: {body[:200]!r}")
        return json.loads(body)


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--expand", default="Phones,OtherProperties,Tags")
    args = parser.parse_args()

    start = time.perf_counter()
    sb = PloomesSandbox(seed=1, scale=args.scale, rate_limit=0).start()
    http = Http(sb.base_url, sb.key)
    http.get("/Contacts", top=1)
    print(f"start-up of a {args.scale:,}-contact sandbox (to first answer): {time.perf_counter() - start:.3f} s")

    rows, start = 0, time.perf_counter()
    for page in range(args.pages):
        rows += len(http.get("/Contacts", top=300, skip=page * 300, orderby="Id", expand=args.expand)["value"])
    elapsed = time.perf_counter() - start
    print(f"{args.pages} pages of 300 contacts, $expand={args.expand}: "
          f"{args.pages / elapsed:.1f} pages/s, {rows / elapsed:,.0f} rows/s")

    rows, start = 0, time.perf_counter()
    for page in range(args.pages):
        rows += len(http.get("/Contacts", top=300, skip=page * 300, orderby="Id")["value"])
    elapsed = time.perf_counter() - start
    print(f"{args.pages} pages of 300 contacts, no expand: {args.pages / elapsed:.1f} pages/s, "
          f"{rows / elapsed:,.0f} rows/s")

    deep = sb.dataset.count("Contacts") - 1000
    timed("deep $skip page (near the end)", lambda: http.get("/Contacts", top=300, skip=deep, orderby="Id"))
    last = 40120000 + deep
    timed("keyset page (Id gt N, near the end)",
          lambda: http.get("/Contacts", top=300, orderby="Id", filter=f"Id gt {last}"))
    timed("single record ($filter=Id eq N)", lambda: http.get("/Contacts", filter=f"Id eq {last}",
                                                               expand=args.expand))
    sb.mutate("Contacts", touch=50, add=10, delete=5)
    delta = timed("delta (LastUpdateDate ge after the reference)",
                  lambda: http.get("/Contacts", filter="LastUpdateDate ge 2025-07-01T00:00:00-03:00"))
    print(f"  -> {len(delta['value'])} changed contacts")
    timed("deals page with OtherProperties,Tags", lambda: http.get("/Deals", top=300, expand="OtherProperties,Tags"))
    timed("quotes page with Sections/Products", lambda: http.get(
        "/Quotes", top=300, expand="Sections($expand=Products)"))
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    sb.stop()


if __name__ == "__main__":
    main()
