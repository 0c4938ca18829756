"""The model's markdown in the page (issue 12): tables, lists, links and code rendered
by the vendored marked + DOMPurify; raw HTML and `javascript:` links inert; status
marks drawn as SVG, not emoji. The reply is a stream the test writes, played through
the page's real turn code."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.browser.test_chat_page import STEP_MS, _ask, _idle, _sign_in

pytestmark = pytest.mark.timeout(180)

REPLY = """**Two options** for *Fri 18 Dec*:

| # | Flight | Price | Policy |
|---|--------|------:|--------|
| 1 | BA 117 | 612.40 USD | 🟢 in policy |
| 2 | AA 100 | 702.10 USD | 🟠 needs approval |

- direct flights only
- 🔴 first class can't be booked

1. pick one
2. say yes

See [the fare rules](https://example.com/fares) and `BK-7Q2M4X`.

```
code block
```

<script>window.__pwned = "script"</script>
<img src="x" onerror="window.__pwned = 'img'">
<a href="javascript:window.__pwned='raw-link'">raw link</a>
[click me](javascript:window.__pwned='md-link')
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<iframe src="https://example.com"></iframe>
✅ Booked! ⭐ recommended"""


def _stream(text: str, pieces: int = 2) -> str:
    """The reply as a model streams it: in ``pieces`` deltas."""
    size = -(-len(text) // pieces)
    deltas = [
        {"type": "text-delta", "id": "t1", "delta": text[i : i + size]}
        for i in range(0, len(text), size)
    ]
    chunks = [
        {"type": "start", "messageId": "turn_md", "messageMetadata": {"thread_id": "th_md"}},
        {"type": "text-start", "id": "t1"},
        *deltas,
        {"type": "text-end", "id": "t1"},
        {"type": "finish", "messageMetadata": {"thread_id": "th_md", "turn_id": "turn_md"}},
    ]
    body = "".join(f"id: turn_md:{n}\ndata: {json.dumps(c)}\n\n" for n, c in enumerate(chunks))
    return body + "data: [DONE]\n\n"


def test_markdown_renders_and_hostile_markup_is_inert(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(
            status=200, headers={"content-type": "text/event-stream"}, body=_stream(REPLY)
        ),
    )
    page.route("**/v1/threads/th_md", lambda route: route.fulfill(status=404, body="{}"))
    _ask(page, "show me markdown")
    text = page.locator("#log .msg.assistant .text").last
    text.locator("table").wait_for(timeout=STEP_MS)
    _idle(page)

    # What markdown makes.
    assert text.locator("table tr").count() == 3
    assert text.locator("strong").first.inner_text() == "Two options"
    assert text.locator("em").first.inner_text() == "Fri 18 Dec"
    assert text.locator("ul > li").count() == 2
    assert text.locator("ol > li").count() == 2
    assert text.locator("pre code").inner_text().strip() == "code block"
    assert text.locator("p code").inner_text() == "BK-7Q2M4X"
    link = text.locator("a", has_text="the fare rules")
    assert link.get_attribute("href") == "https://example.com/fares"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"

    # What it must not make: no script ran, no element or handler from the model.
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert text.locator("script, img, iframe, object, embed, style, form").count() == 0
    handlers = text.evaluate(
        """(root) => [...root.querySelectorAll('*')].flatMap((n) =>
             [...n.attributes].map((a) => a.name).filter((a) => a.startsWith('on')))"""
    )
    assert handlers == []
    hrefs = text.locator("a[href]").evaluate_all("(links) => links.map((a) => a.href)")
    assert hrefs == ["https://example.com/fares"], hrefs
    # Raw HTML shows as the text it is; the bad links' words stay, as plain text.
    shown = text.inner_text()
    assert '<script>window.__pwned = "script"</script>' in shown
    assert "click me" in shown

    # Status marks are SVG, not emoji: no emoji font needed.
    marks = text.locator("svg.mark").evaluate_all("(ms) => ms.map((m) => m.dataset.mark)")
    assert marks.count("dot") == 3, marks
    assert {"check", "star"} <= set(marks), marks
    assert not any(e in text.inner_text() for e in ("🟢", "🟠", "🔴", "✅", "⭐"))
    shoot(page, "markdown-rendered")
    context.close()


def test_a_megabyte_reply_is_cut_not_a_freeze(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    """1 MB of markdown in 1,000 deltas: drawn at most once a frame and cut at 100,000
    characters with a note. Prints the time from Enter to the drawn reply."""
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    line = "- **BA 117** JFK → LHR 612.40 USD 🟢 in policy, with a [link](https://example.com)\n"
    huge = line * (1_000_000 // len(line))
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream"},
            body=_stream(huge, pieces=1000),
        ),
    )
    page.route("**/v1/threads/th_md", lambda route: route.fulfill(status=404, body="{}"))
    started = time.perf_counter()
    _ask(page, "a very long answer")
    note = page.locator("#log .msg.assistant [data-truncated]")
    note.wait_for(timeout=STEP_MS)
    _idle(page)
    seconds = time.perf_counter() - started
    print(f"\n1 MB reply in 1,000 deltas: drawn and idle {seconds:.2f} s after Enter")
    assert "too long to show here" in note.inner_text()
    items = page.locator("#log .msg.assistant .text li").count()
    assert 0 < items <= 100_000 // len(line) + 1
    # The page still answers at once.
    before = time.perf_counter()
    assert page.evaluate("1 + 1") == 2
    assert time.perf_counter() - before < 1
    assert seconds < 30
    shoot(page, "markdown-1mb-cut")
    context.close()
