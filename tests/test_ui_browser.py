"""The Dagster UI in a real browser: `dagster dev` on the project's instance settings, driven by Chromium.

Protects what a user does in the UI: the asset graph shows every asset; "Materialize" on
raw_stories runs (through the queued run coordinator and the daemon) and registers the story
dates; a story date coded from the job's launchpad succeeds with the UI's default relative
folders, and its events show the sample, versions, timings and the chart as an image. Also
protects `scripts/ui.sh` (the README's UI command): it stops on Ctrl-C even when started from
a script in the background.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "stories"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ASSETS = ["raw_stories", "documents", "coded_events", "events", "event_days", "dyad_days"]
LOCATION = "pipelines.definitions"  # `dagster dev -m <module>` names the code location after the module
# Bounds, not expectations: a 2-core machine starts dagster dev in about 30 s and codes a date,
# one process per step, in two to three minutes.
SERVER_START_SECONDS = 240
SCAN_RUN_SECONDS = 300
CODING_RUN_SECONDS = 900
UI_SECONDS = 120
SCREENSHOT = REPOSITORY / "benchmarks" / "results" / "ui.png"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Server:
    """A running `dagster dev`: where it answers, its instance, and its working folder."""

    url: str
    home: Path
    workspace: Path
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    """Poll the webserver's /server_info until it answers; fail early if the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster dev exited with {process.returncode} before answering:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"dagster dev did not answer at {url} within {seconds} s:\n{log_tail(log)}")


def start_in_own_group(ignore_sigint: bool) -> Callable[[], None]:
    """A preexec_fn: a new session (so the whole tree can be signalled) and SIGINT's disposition.

    dagster dev only stops on a signal when SIGINT is not ignored; a background job of a script
    starts with it ignored, which `ignore_sigint` reproduces.
    """

    def preexec() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_sigint else signal.SIG_DFL)
        os.setsid()

    return preexec


def stop(process: subprocess.Popen, seconds: float = 90) -> bool:
    """Ctrl-C to the process group, as a terminal would; SIGKILL as a last resort. True if it stopped."""
    if process.poll() is not None:
        return True
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`dagster dev` in a workspace holding data/raw (the fixture stories), on the project's instance settings."""
    root = tmp_path_factory.mktemp("ui")
    workspace, home, log = root / "workspace", root / "dagster_home", root / "dagster_dev.log"
    shutil.copytree(FIXTURES, workspace / "data" / "raw")
    home.mkdir()
    shutil.copy(REPOSITORY / "scripts" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    command = [str(REPOSITORY / ".venv" / "bin" / "dagster"), "dev", "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=workspace, env={**os.environ, "DAGSTER_HOME": str(home)},
            stdout=output, stderr=subprocess.STDOUT, preexec_fn=start_in_own_group(ignore_sigint=False),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, process, log, SERVER_START_SECONDS)
        yield Server(url, home, workspace, log)
    finally:
        stopped = stop(process)
    assert stopped, f"dagster dev ignored Ctrl-C and had to be killed:\n{log_tail(log)}"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium from the system package (CI installs it; a missing browser fails, never skips)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server: Server):
    """A fresh page; Dagster's one-off community dialog is dismissed whenever it appears."""
    context = browser.new_context(viewport={"width": 1600, "height": 900}, base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(UI_SECONDS * 1000)
    page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda skip: skip.click())
    yield page
    context.close()


def pick_partition(page, name: str, attempts: int = 3) -> None:
    """Type a partition key in the launchpad and pick it from the suggestions. A dismissed tour
    pop-up ("Skip") can close the suggestions under the cursor, so the typing is retried."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    partition = page.get_by_placeholder("Partition")
    for attempt in range(attempts):
        partition.fill("")
        partition.fill(name)
        try:
            page.get_by_role("menuitem", name=name).click(timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def wait_for_new_run(home: Path, known: set[str], seconds: float) -> dg.DagsterRun:
    """The run that appeared after `known`, once it has finished (the UI's launches are queued)."""
    deadline = time.monotonic() + seconds
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while time.monotonic() < deadline:
            new = [run for run in instance.get_runs() if run.run_id not in known]
            if new and new[0].is_finished:
                return new[0]
            time.sleep(2)
        states = [(run.job_name, run.status.value) for run in instance.get_runs() if run.run_id not in known]
    pytest.fail(f"no launched run finished within {seconds} s (runs: {states})")


def run_errors(home: Path, run_id: str) -> str:
    """The error messages a run logged, for a failure message that says why."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        events = [entry.dagster_event for entry in instance.all_logs(run_id) if entry.is_dagster_event]
    messages = []
    for error in (getattr(event.event_specific_data, "error", None) for event in events):
        while error is not None:  # the failing step's own exception is a cause of the run's error
            messages += error.message.strip().splitlines()[:3]  # the exception, not its stack
            error = error.cause or error.context
    return "\n".join(messages) or "(no error logged)"


def run_ids(home: Path) -> set[str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {run.run_id for run in instance.get_runs()}


def expand_asset_graph(page, graph_only: bool = False) -> None:
    """Open the global asset graph with every group expanded (the graph's own ⌥E shortcut).

    `graph_only` first hides the navigation and the asset tree, so the graph fits the whole
    window (for the screenshot).
    """
    page.goto("/asset-groups")
    page.get_by_text("Materialize all").wait_for()
    if graph_only:
        page.get_by_role("button", name="panel_show_right", exact=True).click()  # the asset tree
        page.get_by_text("Hide navigation").click()
    page.keyboard.press("Alt+e")


def screenshot(page, path: Path) -> None:
    """A screenshot once the page's requests have settled (so the assets' statuses are drawn)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_load_state("networkidle", timeout=30_000)
    except PlaywrightTimeout:
        pass  # the statuses only colour the picture; the assertions are what count
    page.screenshot(path=path)


@pytest.mark.browser
def test_the_asset_graph_shows_every_asset(page) -> None:
    from playwright.sync_api import expect

    expand_asset_graph(page)
    for asset in ASSETS:
        expect(page.get_by_text(asset, exact=True)).to_be_visible()


@pytest.mark.browser
def test_materializing_from_the_ui_scans_then_codes_a_date_with_chart(page, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # "Materialize" on the raw_stories asset page: the scan registers one partition per story date.
    known = run_ids(server.home)
    page.goto("/assets/raw_stories")
    materialize = page.get_by_role("button", name="Materialize")
    expect(materialize).to_be_enabled()
    materialize.click()
    scan = wait_for_new_run(server.home, known, SCAN_RUN_SECONDS)
    assert scan.status == dg.DagsterRunStatus.SUCCESS, f"scan run ended {scan.status.value}:\n{run_errors(server.home, scan.run_id)}"
    with dg.DagsterInstance.from_config(str(server.home)) as instance:
        assert sorted(instance.get_dynamic_partitions("story_dates")) == ["2023-10-02", "2023-10-03", "2023-10-04"]

    # The code_stories launchpad: pick a story date, launch, and the whole date is coded.
    known = run_ids(server.home)
    page.goto(f"/locations/{LOCATION}/jobs/code_stories/playground")
    pick_partition(page, "2023-10-02")
    page.get_by_role("button", name="Launch Run").click()
    coding = wait_for_new_run(server.home, known, CODING_RUN_SECONDS)
    assert coding.status == dg.DagsterRunStatus.SUCCESS, f"coding run ended {coding.status.value}:\n{run_errors(server.home, coding.run_id)}"
    assert coding.tags.get("dagster/partition") == "2023-10-02"
    assert (server.workspace / "data" / "coded" / "events" / "date=2023-10-02" / "part-0.parquet").exists()

    # The events materialization: a sample with sentences and rules, versions, timings, and the chart.
    page.goto("/assets/events?view=events")
    for shown in ("consult.meet", "Bolivia's opposition criticized", "dictionary_version", "coder_version", "seconds", "chart_path"):
        expect(page.get_by_text(shown).first).to_be_visible()
    page.locator("tr", has=page.get_by_text("chart", exact=True)).get_by_text("[Show Markdown]").click()
    chart = page.locator("img[alt='events per day by QuadClass']")
    expect(chart).to_be_visible()
    assert chart.evaluate("image => image.naturalWidth") > 0, "the chart image did not load"
    page.screenshot(path=tmp_path / "events_chart.png")
    page.get_by_role("button", name="Close").click()

    # The graph after the runs, for the README and the pull request.
    expand_asset_graph(page, graph_only=True)
    for asset in ASSETS:
        expect(page.get_by_text(asset, exact=True)).to_be_visible()
    screenshot(page, tmp_path / "ui.png")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "ui.png", SCREENSHOT)


def test_the_ui_script_stops_on_ctrl_c_even_as_a_background_job(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "ui.log"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "PORT": str(port)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(REPOSITORY / "scripts" / "ui.sh")], env=env, stdout=output, stderr=subprocess.STDOUT,
            preexec_fn=start_in_own_group(ignore_sigint=True),
        )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", process, log, SERVER_START_SECONDS)
    finally:
        stopped = stop(process)
    assert stopped, f"scripts/ui.sh ignored Ctrl-C and had to be killed:\n{log_tail(log)}"
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists(), "the UI did not get the project's instance settings"
