"""Deterministic file bytes for attachments and generated documents."""

import struct
import zlib
from functools import lru_cache

from .refdata import NOTE_SENTENCES
from .rng import rng

CONTENT_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".txt": "text/plain",
    ".csv": "text/csv", ".json": "application/json",
}


def content_type(filename):
    """MIME type from the file extension."""
    return CONTENT_TYPES.get(filename[filename.rfind("."):].lower(), "application/octet-stream")


def _text(r, lines):
    return "\n".join(r.choice(NOTE_SENTENCES) for _ in range(lines)) + "\n"


def _pdf(r, title):
    body = f"BT /F1 12 Tf 72 720 Td ({title.encode('ascii', 'replace').decode()}) Tj ET\n"
    body += "".join(f"% {r.getrandbits(64):016x}\n" for _ in range(r.randint(20, 200)))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(body)} >>\nstream\n{body}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def _png(r):
    width, height = r.randint(8, 48), r.randint(8, 48)
    color = bytes(r.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + color * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) \
        + chunk(b"IEND", b"")


@lru_cache(maxsize=2048)
def file_bytes(seed, key, filename):
    """The bytes of a file, a pure function of (seed, key, filename)."""
    r = rng(seed, "file", key, filename)
    ext = filename[filename.rfind("."):].lower()
    if ext == ".pdf":
        return _pdf(r, filename)
    if ext == ".png":
        return _png(r)
    if ext == ".csv":
        rows = [f"{i};{r.choice(NOTE_SENTENCES).split()[0]};{r.uniform(1, 999):.2f}"
                for i in range(r.randint(3, 60))]
        return ("id;descrição;valor\n" + "\n".join(rows) + "\n").encode("utf-8")
    return _text(r, r.randint(2, 80)).encode("utf-8")
