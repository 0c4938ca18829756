"""The chat page's vendored JavaScript: pinned, checked, served as ES modules (issue 12)."""

from __future__ import annotations

import json

import httpx
import pytest

from scripts import vendor_js


def test_the_committed_files_match_their_pins() -> None:
    assert vendor_js.check(vendor_js._load()) == []
    names = {p["name"]: p for p in vendor_js._load()["packages"]}
    assert set(names) == {"marked", "dompurify"}
    for package in names.values():
        assert package["integrity"].startswith("sha512-")
        assert any(dest.startswith("LICENSE") for dest in package["files"].values())


def test_a_tarball_that_is_not_the_pinned_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vendor_js, "_get", lambda url: b"not the tarball")
    with pytest.raises(SystemExit, match="integrity mismatch"):
        vendor_js.refresh(json.loads(json.dumps(vendor_js._load())))
    assert vendor_js.check(vendor_js._load()) == []  # nothing was written


def test_only_the_npm_registry_is_fetched() -> None:
    assert vendor_js.tarball_url("marked", "18.3.0") == (
        "https://registry.npmjs.org/marked/-/marked-18.3.0.tgz"
    )
    with pytest.raises(SystemExit, match="outside the npm registry"):
        vendor_js._get("https://cdn.example.com/marked.js")


@pytest.mark.parametrize(
    "path",
    [
        "/static/markdown.js",
        "/static/vendor/marked/marked.esm.js",
        "/static/vendor/dompurify/purify.es.mjs",
    ],
)
async def test_the_modules_are_served_as_javascript(
    api_client: httpx.AsyncClient, path: str
) -> None:
    response = await api_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
