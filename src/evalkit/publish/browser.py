"""`evalkit check-report`: open results/report.html and every document it embeds in headless Chromium, keep a
screenshot of each, and fail on any that a browser would show blank or not at all.

The HTML report carries each figure, notebook and table page as a `data:` URL and shows it in an iframe or an
image; Chromium shows nothing for a `data:` URL over 2 MB, and offers a document whose type it cannot show as a
download. So every embedded document must be an image or HTML, under EMBED_LIMIT, and render with visible content.
"""

from __future__ import annotations

import argparse
import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Under Chromium's 2 MB limit for a data: URL, with room for a page that grows a little.
EMBED_LIMIT = 1_500_000
SHOWN = ("image/png", "image/jpeg", "image/svg+xml", "text/html")
# Debian's chromium as root in a container: no sandbox, no GPU, and no background calls to a network it lacks.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
# snakemake's report names each result file: data:<mime>;charset=utf8;filename=<name>;base64,<data>
DATA_URI = re.compile(
    r"data:(?P<mime>[a-z]+/[a-z0-9.+-]+)(?:;charset=[^;,\"]+)?;filename=(?P<name>[^;,\"]+);base64,[A-Za-z0-9+/=]+"
)


@dataclass(frozen=True)
class Embedded:
    number: int
    name: str  # the result file's name, e.g. nordjylland_2021.html
    mime: str
    uri: str

    @property
    def size(self) -> int:
        """The decoded document's size in bytes."""
        data = self.uri.partition(",")[2]
        return len(data) * 3 // 4 - data[-2:].count("=")

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.uri.partition(",")[2])


def embedded_documents(report: str | Path) -> list[Embedded]:
    """Every result file the report carries as a data: URL (figures, notebooks, pages), in page order."""
    page = Path(report).read_text(encoding="utf-8")
    return [Embedded(i, m["name"], m["mime"], m[0]) for i, m in enumerate(DATA_URI.finditer(page), start=1)]


def find_chromium() -> str | None:
    return next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)


def screenshot(url: str, png: Path, chromium: str, size: tuple[int, int] = (1280, 1000)) -> None:
    """Load url in headless Chromium (letting the report's scripts run) and write a screenshot."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evalkit-chromium-") as profile:
        run = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                "--virtual-time-budget=5000",
                f"--screenshot={png}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if run.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium could not open {url[:80]}: {run.stderr[-1000:]}")


def ink(png: Path) -> float:
    """The share of the screenshot's pixels that are not (nearly) white: 0 for a blank page."""
    from PIL import Image

    grey = Image.open(png).convert("L")
    histogram = grey.histogram()
    return sum(histogram[:240]) / (grey.width * grey.height)


def frame_page(document: Embedded) -> str:
    """A page showing an HTML document as the report does: in an iframe, from its data: URL."""
    source = html.escape(document.uri, quote=True)
    return (
        '<!DOCTYPE html><html><body style="margin:0;height:100vh;background:white">'
        f'<iframe src="{source}" style="width:100%;height:100%;border:0"></iframe></body></html>'
    )


def check_report(report: Path, screenshots: Path, chromium: str, min_ink: float = 0.002) -> list[str]:
    """Problems with the report, one line each (none: every result opens). Every result must be an image or
    HTML under EMBED_LIMIT; the report's page and each HTML result (notebooks, tables, reproduction, data
    quality) are opened in Chromium as the report opens them, and a screenshot of each goes to screenshots/."""
    problems = []
    screenshots.mkdir(parents=True, exist_ok=True)
    screenshot(report.resolve().as_uri(), screenshots / "report.png", chromium)
    if ink(screenshots / "report.png") < min_ink:
        problems.append(f"{report}: the report's own page is blank")
    documents = embedded_documents(report)
    if not documents:
        problems.append(f"{report}: holds no results")
    with tempfile.TemporaryDirectory(prefix="evalkit-frames-") as folder:
        for document in documents:
            where = f"{document.name} (result {document.number}, {document.mime})"
            if document.mime not in SHOWN:
                problems.append(f"{where}: a browser offers it as a download instead of showing it")
            elif document.size > EMBED_LIMIT:
                problems.append(f"{where}: {document.size:,} bytes, over {EMBED_LIMIT:,}")
            elif document.mime == "text/html":
                frame = Path(folder) / f"{document.number:02d}.html"
                frame.write_text(frame_page(document), encoding="utf-8")
                png = screenshots / f"{document.number:02d}_{Path(document.name).stem}.png"
                screenshot(frame.as_uri(), png, chromium)
                if ink(png) < min_ink:
                    problems.append(f"{where}: shows blank in Chromium")
    return problems


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit check-report", description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="results/report.html")
    parser.add_argument("--screenshots", type=Path, default=Path("results/report_screenshots"))
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("evalkit check-report: error: no chromium on PATH (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    problems = check_report(args.report, args.screenshots, chromium)
    for problem in problems:
        print(f"evalkit check-report: {problem}", file=sys.stderr)
    print(f"{args.report}: {len(embedded_documents(args.report))} results; screenshots in {args.screenshots}")
    return 1 if problems else 0
