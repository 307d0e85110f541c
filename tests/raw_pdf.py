"""Write a PDF from its objects by hand: test inputs that no layout engine would make (a long
file in milliseconds, a content stream that inflates far beyond the file)."""

from __future__ import annotations

import io


def raw_pdf(objects: list[bytes]) -> bytes:
    """The bytes of a PDF whose object N (from 1) is ``objects[N - 1]``; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
