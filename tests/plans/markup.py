"""Rich text written out for golden tests: **bold**, _italic_, `code`, [label](url)."""

from __future__ import annotations

from plans.text import Text

_AROUND = {"bold": "**", "italic": "_", "code": "`"}


def markup(value: Text) -> str:
    out = []
    for span in value.spans:
        if span.style == "link":
            out.append(f"[{span.text}]({span.url})")
        else:
            mark = _AROUND.get(span.style, "")
            out.append(f"{mark}{span.text}{mark}")
    return "".join(out)
