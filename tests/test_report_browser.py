"""The HTML report, opened in a real browser (Debian's chromium, via Playwright).

``.ci/run`` installs chromium with apt-get; without it these tests are skipped
locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CLI_FAST

from skneural.app import cli

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError(
            "chromium is not installed: .ci/run installs it with apt-get"
        )
    pytest.skip(
        "chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


def _open(browser, report: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def _figures(page) -> list[dict]:
    return page.evaluate(
        """Array.from(document.querySelectorAll('figure img')).map(img => {
            const box = img.getBoundingClientRect();
            return {loaded: img.complete && img.naturalWidth > 0,
                    width: box.width, height: box.height, alt: img.alt};
        })"""
    )


COMMON = ["Data", "Cross-validated scores", "Learning curves"]


@pytest.mark.parametrize(
    ("dataset", "task_section"),
    [("iris", "Confusion matrix"), ("diabetes", "Predictions and residuals")],
)
def test_report_renders_its_figures_in_chromium(
    browser, tmp_path, dataset, task_section
):
    report = tmp_path / f"{dataset}.html"
    out = str(tmp_path / "m.skn")
    code = cli.main(
        ["fit", dataset, "--out", out, "--report", str(report), *CLI_FAST, "--cv", "3"]
    )
    assert code == 0
    page, problems = _open(browser, report)
    headings = page.locator("h2").all_inner_texts()
    assert headings == [*COMMON, task_section, "Model"]
    figures = _figures(page)
    assert len(figures) == 3  # scores, learning curves, the task's figure
    for figure in figures:
        assert figure["loaded"], figure
        assert figure["width"] > 200 and figure["height"] > 100, figure
        assert figure["alt"], figure
    assert page.locator("table").count() >= 2  # data summary, scores
    shot = page.screenshot(full_page=True)
    assert len(shot) > 50_000  # a page of text and figures, not a blank one
    assert problems == []
    page.close()


def test_tuned_report_shows_the_study(browser, tmp_path):
    report = tmp_path / "tuned.html"
    out = str(tmp_path / "m.skn")
    args = ["--trials", "2", "--out", out, "--report", str(report), "--no-baselines"]
    assert cli.main(["tune", "iris", *args, *CLI_FAST, "--cv", "3"]) == 0
    page, problems = _open(browser, report)
    assert "Tuning" in page.locator("h2").all_inner_texts()
    alts = [f["alt"] for f in _figures(page)]
    assert any("tuning" in alt.lower() or "trial" in alt.lower() for alt in alts), alts
    assert all(f["loaded"] for f in _figures(page))
    assert problems == []
    page.close()
