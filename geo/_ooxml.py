"""Office Open XML packages (XLSX, DOCX) that are the same bytes for the same data.

openpyxl and python-docx stamp the clock on every zip entry (and openpyxl on the document's
save time too); `fixed_times` writes the package again with fixed times.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

__all__ = ["fixed_times"]


def fixed_times(package: bytes, day: date = date(2000, 1, 1), core: bool = True) -> bytes:
    """`package` with every entry's time `day` at midnight, and, with `core`, its created/modified dates too.

    Without `core` the document's own dates (``docProps/core.xml``, set by the writer) are kept.
    """
    stamp = f"{day.isoformat()}T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if core and item.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, data)
    return out.getvalue()
