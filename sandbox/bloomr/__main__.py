"""CLI of the invented Bloomr sandbox.

Serve: ``python -m sandbox.bloomr --seed S --scale N --port P --auth STYLE --paging STYLE [...]``
(prints one banner line with the base URL and the client's credential flags; serves until
SIGINT/SIGTERM). Export: ``python -m sandbox.bloomr export --seed S --scale N --out DIR [...]``.
"""

import argparse
import signal
import sys
import threading

from .app import BloomrSandbox
from .auth import STYLES as AUTH_STYLES
from .export import DELIMITERS, ENCODINGS, write_export
from .layout import COLLECTIONS
from .paging import STYLES as PAGING_STYLES


def _common(p):
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", type=int, default=100, help="number of contacts")
    p.add_argument("--dirt", type=float, default=0.0, help="share of dirty records (0..1)")


def serve_parser():
    p = argparse.ArgumentParser(prog="python -m sandbox.bloomr", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(p)
    p.add_argument("--port", type=int, default=8098)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--auth", choices=AUTH_STYLES, default="apikey")
    p.add_argument("--paging", choices=PAGING_STYLES, default="page")
    p.add_argument("--prefix", default="/api/v1", help="path prefix of the API ('' for none)")
    p.add_argument("--key-header", default="X-API-Key", help="header of the API key (auth=apikey)")
    p.add_argument("--rate-limit", type=int, default=60, help="requests per 60 s per credential; 0 = off")
    p.add_argument("--faults", default="", help="e.g. 500=0.05,slow=0.1:5,shift=0.2")
    p.add_argument("--openapi", action="store_true", help="also serve /openapi.json")
    p.add_argument("--rename", type=_names, default={}, metavar="COLLECTION=NAME,...",
                   help="serve collections under other names, e.g. contacts=people")
    return p


def _names(text):
    """``contacts=people,deals=opportunities`` -> {collection: name}."""
    names = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        collection, sep, name = pair.partition("=")
        if not sep or collection.strip() not in COLLECTIONS or not name.strip():
            raise argparse.ArgumentTypeError(
                f"{pair!r}: expected COLLECTION=NAME with a collection among {', '.join(COLLECTIONS)}")
        names[collection.strip()] = name.strip()
    return names


def export_parser():
    p = argparse.ArgumentParser(prog="python -m sandbox.bloomr export",
                                description="Write the CSV export Bloomr's UI would give for the account.")
    _common(p)
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--encoding", choices=ENCODINGS, default="utf-8")
    p.add_argument("--delimiter", choices=sorted(DELIMITERS), default=",")
    p.add_argument("--zip", action="store_true", help="one bloomr-export.zip instead of the files")
    return p


def export(argv):
    args = export_parser().parse_args(argv)
    paths = write_export(args.seed, args.scale, args.out, encoding=args.encoding,
                         delimiter=DELIMITERS[args.delimiter], zip=args.zip, dirt=args.dirt)
    for path in paths:
        print(path)  # pylint: disable=print-used  # the command's output: the files written
    return 0


def serve(argv):
    args = serve_parser().parse_args(argv)
    try:
        sandbox = BloomrSandbox(seed=args.seed, scale=args.scale, auth=args.auth, paging=args.paging,
                                prefix=args.prefix, rate_limit=args.rate_limit, faults=args.faults,
                                dirt=args.dirt, port=args.port, host=args.host, key_header=args.key_header,
                                openapi=args.openapi, names=args.rename)
    except (ValueError, OSError) as exc:
        print(f"sandbox.bloomr: {exc}", file=sys.stderr)  # pylint: disable=print-used  # CLI error report
        return 2
    print(sandbox.banner(), flush=True)  # pylint: disable=print-used  # the CLI's banner
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    sandbox.start()
    done.wait()
    sandbox.stop()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["export"]:
        return export(argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
