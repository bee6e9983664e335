"""CLI: ``python -m sandbox.ploomes --seed S --scale N --port P [...]``; serves until SIGINT/SIGTERM."""

import argparse
import signal
import sys
import threading

from .app import PloomesSandbox
from .config import ERROR_STYLES, NEXT_LINK, TOP_OVER_CAP


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m sandbox.ploomes", description=__doc__)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", type=int, default=100, help="number of contacts")
    p.add_argument("--port", type=int, default=8099)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--key", default="sandbox-key", help="the User-Key clients must send")
    p.add_argument("--rate-limit", type=int, default=120, help="requests per window per key; 0 = unlimited")
    p.add_argument("--rate-window", type=float, default=60.0, help="seconds")
    p.add_argument("--dirt", type=float, default=0.0, help="rate of dirty records (0..1)")
    p.add_argument("--faults", default="", help="e.g. 500=0.05,slow=0.1:5,shift=0.2")
    p.add_argument("--top-over-cap", choices=TOP_OVER_CAP, default="cap")
    p.add_argument("--next-link", choices=NEXT_LINK, default="more")
    p.add_argument("--error-style", choices=ERROR_STYLES, default="odata")
    p.add_argument("--no-retry-after", action="store_true", help="omit Retry-After on rate-limit 429s")
    p.add_argument("--no-key-lookup", action="store_true", help="answer 400 to GET /Entity(id)")
    p.add_argument("--refuse", type=parse_refuse, default={},
                   help="entity sets the key may not read, e.g. Emails=403,Products=404")
    return p.parse_args(argv)


def parse_refuse(text):
    """``{entity set: status}`` of ``Emails=403,Products=404``."""
    refuse = {}
    for item in filter(None, text.split(",")):
        name, _, status = item.partition("=")
        if not name.strip() or not status.strip().isdigit():
            raise argparse.ArgumentTypeError(f"expected ENTITY=STATUS, got {item!r}")
        refuse[name.strip()] = int(status)
    return refuse


def main(argv=None):
    args = parse_args(argv)
    try:
        sandbox = PloomesSandbox(
            seed=args.seed, scale=args.scale, key=args.key, port=args.port, host=args.host,
            rate_limit=args.rate_limit, rate_window=args.rate_window, dirt=args.dirt, faults=args.faults,
            top_over_cap=args.top_over_cap, next_link=args.next_link, error_style=args.error_style,
            retry_after=not args.no_retry_after, key_lookup=not args.no_key_lookup, refuse=args.refuse)
    except (ValueError, OSError) as exc:
        # A command line's own output (error report, banner): print, not logging.
        print(f"sandbox.ploomes: {exc}", file=sys.stderr)  # pylint: disable=print-used
        return 2
    banner = f"Ploomes sandbox on {sandbox.base_url}  User-Key: {sandbox.key}"
    print(banner, flush=True)  # pylint: disable=print-used
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    sandbox.start()
    done.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
