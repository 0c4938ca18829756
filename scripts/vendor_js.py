"""Refresh the chat page's vendored JavaScript from the npm registry.

The page has no build step and loads nothing from a CDN: the libraries it keeps
(``marked`` for markdown, ``DOMPurify`` to sanitize its HTML) are committed under
``api/static/vendor/`` as the ES modules their packages ship, unmodified, with their
licences. ``api/static/vendor/manifest.json`` pins each one: version, the registry
tarball's ``sha512`` integrity (as ``npm`` records it), the files taken from it and
each file's ``sha256`` as committed.

    python scripts/vendor_js.py            # fetch the pinned tarballs, check, write
    python scripts/vendor_js.py --check    # offline: the committed files match the pins
    python scripts/vendor_js.py --latest   # print the registry's latest version and
                                           # integrity of each (to pin a new one by hand)

To move to a new version: put its version and integrity (``--latest``) in the manifest,
run ``make vendor``, read the diff, run the page's tests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "api" / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
REGISTRY = "https://registry.npmjs.org"
TIMEOUT = 60


def _load() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return manifest


def _get(url: str) -> bytes:
    if not url.startswith(REGISTRY + "/"):
        raise SystemExit(f"refusing to fetch from outside the npm registry: {url}")
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # the registry only (above)
        body: bytes = response.read()
    return body


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tarball_url(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def refresh(manifest: dict[str, Any]) -> None:
    """Fetch every pinned tarball, check its integrity, write the files it names."""
    for package in manifest["packages"]:
        name, version = package["name"], package["version"]
        data = _get(tarball_url(name, version))
        got = _integrity(data)
        if got != package["integrity"]:
            raise SystemExit(
                f"{name}@{version}: integrity mismatch\n  pinned {package['integrity']}\n  got    {got}"
            )
        target = VENDOR / package["dir"]
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member_name, dest in package["files"].items():
                member = archive.getmember(member_name)
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise SystemExit(f"{name}@{version}: {member_name} is not a file")
                content = extracted.read()
                (target / dest).write_bytes(content)
                package.setdefault("sha256", {})[dest] = _sha256(content)
        print(f"{name}@{version}: {len(package['files'])} files into {target.relative_to(ROOT)}")
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def check(manifest: dict[str, Any]) -> list[str]:
    """What differs between the committed files and the manifest (nothing: ``[]``)."""
    problems = []
    for package in manifest["packages"]:
        for dest in package["files"].values():
            path = VENDOR / package["dir"] / dest
            if not path.is_file():
                problems.append(f"{package['name']}: {path.relative_to(ROOT)} is missing")
            elif _sha256(path.read_bytes()) != package.get("sha256", {}).get(dest):
                problems.append(f"{package['name']}: {path.relative_to(ROOT)} was changed")
    return problems


def latest(manifest: dict[str, Any]) -> None:
    for package in manifest["packages"]:
        info = json.loads(_get(f"{REGISTRY}/{package['name']}/latest"))
        print(
            f"{package['name']}: pinned {package['version']}, latest {info['version']}"
            f" {info['dist']['integrity']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="offline: committed files match")
    mode.add_argument("--latest", action="store_true", help="print the registry's latest")
    args = parser.parse_args(argv)
    manifest = _load()
    if args.latest:
        latest(manifest)
        return 0
    if args.check:
        problems = check(manifest)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    refresh(manifest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
