"""Real-terminal benchmark (issue 11): catalog-tui and a fair bare Textual app inside tmux.

    python benchmarks/terminal.py [--runs 5] [--catalog FILE] [--hogs 0] [--json]

Each launch runs in its own tmux server (`tmux -L <private socket> -f /dev/null`, 120×36), killed
afterwards. Keys are sent as a person types (`send-keys -l`, 20 keys/s) and the screen is read
with `capture-pane -p` every ~13 ms (reported). The app and the bare app (benchmarks/bare_app.py) alternate
run by run in this one process, so load drift hits both. Figures per launch: launch → list
visible, burst settle (`qingming` at 20 keys/s), keystroke settle (single keys when idle), CPU per
key (/proc/PID/stat), and a type-ahead check from launch. BENCHMARKS.md ("Real terminal (tmux),
issue 11") says exactly what each figure is, and reports them.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KEY_INTERVAL = 0.05  # 20 keys per second
POLL = 0.01
QUIET = 0.5  # a screen unchanged this long has settled
QUERY = "qingming"
# One key at a time when idle: back to "qing", then "ming" again; each changes the result count.
SINGLE_KEYS = [("BSpace", QUERY[:n]) for n in range(7, 3, -1)] + [
    (QUERY[n - 1], QUERY[:n]) for n in range(5, 9)
]
QUERIES = [QUERY[:n] for n in range(4, 9)]
WORDS = ("qingming", "aletai", "sudongpo")  # the type-ahead check (issue 11)
FRAME_GAP = 0.003  # output chunks closer than this belong to one frame
# Reads the pane's output (tmux pipe-pane) and notes when each chunk came and its size.
RECORDER = (
    "import os, sys, time\n"
    "out = open(sys.argv[1], 'w')\n"
    "while chunk := os.read(0, 1 << 16):\n"
    "    out.write(f'{time.monotonic()} {len(chunk)}\\n')\n"
    "    out.flush()\n"
)
TICK = os.sysconf("SC_CLK_TCK")
COUNT_APP = re.compile(r"(\d[\d,]*) / \d[\d,]* works")
COUNT_BARE = re.compile(r"(\d+) / \d+")


LABELS = {
    "list_visible_s": "launch → list visible",
    "burst_settle_s": "burst settle (after last key)",
    "keystroke_settle_s": "keystroke settle",
    "keystroke_states": "screens seen per keystroke",
    "frames_to_list": "frames written before the list is seen",
    "keystroke_frames": "frames written per keystroke",
    "keystroke_bytes": "bytes written per keystroke",
    "cpu_per_key_ms": "CPU per key (ms)",
}


def in_box(screen: str, text: str) -> bool:
    """The search box (an Input between ▊ and ▎) holds exactly `text`."""
    return re.search(rf"▊\s+{re.escape(text)}\s+▎", screen) is not None


@dataclass
class Target:
    """One program to measure: how to start it and how to read its screen."""

    name: str
    command: list[str]
    count_pattern: re.Pattern[str]
    expected: dict[str, int]  # query → result count
    focus_keys: str = ""  # typed (untimed) before the query, e.g. "/" to reach the search box
    ready_text: str = ""  # the first row of the list, learnt in the warm-up
    calm_texts: tuple[str, ...] = ()  # shown while nothing was selected or re-sorted (type-ahead check)

    def shows(self, screen: str, query: str) -> bool:
        found = self.count_pattern.search(screen)
        count = int(found.group(1).replace(",", "")) if found else -1
        return count == self.expected[query] and in_box(screen, query)


class Pane:
    """A program in a tmux session on a private socket (never the user's server)."""

    launched = 0

    def __init__(self, command: list[str]) -> None:
        Pane.launched += 1  # a fresh server each time: the last one may still be shutting down
        self.socket = f"catalog-bench-{os.getpid()}-{Pane.launched}"
        self.tmux(
            "new-session", "-d", "-x", "120", "-y", "36", "-s", "bench",
            "exec " + shlex.join(command),
        )  # fmt: skip
        self.pid = int(self.tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())
        self.output_log = self.socket_path.with_name(self.socket + ".out")
        self.tmux(
            "pipe-pane", "-o", "-t", "bench", shlex.join([PYTHON, "-c", RECORDER, str(self.output_log)])
        )

    def frames(self, since: float, until: float = float("inf")) -> tuple[int, int]:
        """(frames, bytes) the program wrote between two moments: its output chunks, those less
        than FRAME_GAP apart counted as one frame."""
        try:
            lines = self.output_log.read_text().split("\n")
        except OSError:
            return 0, 0
        frames, size, last = 0, 0, -1.0
        for line in lines:
            parts = line.split()
            if len(parts) != 2:
                continue
            moment, length = float(parts[0]), int(parts[1])
            if since <= moment <= until:
                frames += moment - last > FRAME_GAP
                size += length
                last = moment
        return frames, size

    def tmux(self, *args: str) -> str:
        run = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True
        )
        return run.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "bench")

    def type(self, text: str) -> float:
        """Send `text` one key every KEY_INTERVAL; returns when the last key was sent."""
        start = time.monotonic()
        sent = start
        for index, char in enumerate(text):
            time.sleep(max(0.0, start + index * KEY_INTERVAL - time.monotonic()))
            sent = time.monotonic()
            self.tmux("send-keys", "-t", "bench", "-l", char)
        return sent

    def key(self, name: str) -> float:
        sent = time.monotonic()
        self.tmux("send-keys", "-t", "bench", name)
        return sent

    def alive(self) -> bool:
        try:
            return Path(f"/proc/{self.pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    def cpu(self) -> float:
        """utime + stime of the program, in seconds."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def close(self) -> None:
        self.tmux("kill-server")
        if self.socket_path.name == self.socket:  # tmux leaves the socket file behind
            self.socket_path.unlink(missing_ok=True)
            self.output_log.unlink(missing_ok=True)


def wait_for(pane: Pane, done: Callable[[str], bool], timeout: float = 120.0) -> tuple[float, str]:
    """Poll the screen until `done(screen)`; (the moment seen, the screen)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = pane.screen()
        if done(screen):
            return time.monotonic(), screen
        time.sleep(POLL)
    raise TimeoutError(f"screen never matched:\n{pane.screen()}")


def settle(pane: Pane, done: Callable[[str], bool], timeout: float = 60.0) -> tuple[float, int, str]:
    """Poll until the screen satisfies `done` and has not changed for QUIET seconds.
    Returns (moment of the last change, number of different screens seen, the screen)."""
    deadline = time.monotonic() + timeout
    last, changed, states = pane.screen(), time.monotonic(), 1
    while time.monotonic() < deadline:
        time.sleep(POLL)
        screen = pane.screen()
        now = time.monotonic()
        if screen != last:
            last, changed, states = screen, now, states + 1
        elif done(screen) and now - changed >= QUIET:
            return changed, states, screen
    raise TimeoutError(f"screen never settled:\n{last}")


def wait_idle(pane: Pane, timeout: float = 60.0) -> None:
    """Until the program spends no CPU for 0.3 s (e.g. after warming its indexes)."""
    deadline = time.monotonic() + timeout
    before = pane.cpu()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = pane.cpu()
        if now == before:
            return
        before = now


def first_row(screen: str) -> str:
    """The first title under the works table's header ("✓ Title …")."""
    lines = screen.splitlines()
    for index, line in enumerate(lines[:-1]):
        if line.lstrip("✓ ").startswith("Title"):
            return re.split(r"\s{2,}", lines[index + 1].strip())[0]
    raise ValueError(f"no works table on screen:\n{screen}")


def measure(target: Target) -> dict[str, float]:
    """One launch: list visible, burst settle, CPU per key, keystroke settles."""
    start = time.monotonic()
    pane = Pane(target.command)
    try:
        visible, _ = wait_for(pane, lambda screen: target.ready_text in screen)
        wait_idle(pane)
        if target.focus_keys:
            pane.type(target.focus_keys)
            settle(pane, lambda screen: True)
        cpu_before = pane.cpu()
        last_key = pane.type(QUERY)
        changed, _, _ = settle(pane, partial(target.shows, query=QUERY))
        cpu_per_key = (pane.cpu() - cpu_before) / len(QUERY)
        burst = changed - last_key
        singles: list[float] = []
        single_states: list[int] = []
        single_frames: list[int] = []
        single_bytes: list[int] = []
        for keys, query in SINGLE_KEYS:
            sent = pane.key(keys) if keys == "BSpace" else pane.type(keys)
            changed, seen, _ = settle(pane, partial(target.shows, query=query))
            singles.append(changed - sent)
            single_states.append(seen - 1)
            frames, size = pane.frames(sent, changed + FRAME_GAP)
            single_frames.append(frames)
            single_bytes.append(size)
        return {
            "list_visible_s": visible - start,
            "frames_to_list": pane.frames(start, visible)[0],
            "keystroke_frames": statistics.median(single_frames),
            "keystroke_bytes": statistics.median(single_bytes),
            "burst_settle_s": burst,
            "keystroke_settle_s": statistics.median(singles),
            "keystroke_states": statistics.median(single_states),
            "cpu_per_key_ms": cpu_per_key * 1000,
        }
    finally:
        pane.close()


def type_ahead(target: Target, word: str = QUERY, after_list: bool = False) -> bool:
    """Type `word` (after the focus keys) at 20 keys/s from launch, or from the instant the list
    is first seen; is it whole in the box with its count, the program running and calm?"""
    pane = Pane(target.command)
    try:
        if after_list:
            wait_for(pane, lambda screen: target.ready_text in screen)
        pane.type(target.focus_keys + word)
        # A screen unchanged for QUIET seconds is not enough under load: the program may not have
        # read the keys yet. Wait until it has spent no CPU for a while too.
        with contextlib.suppress(OSError):  # it has quit
            wait_idle(pane)
        try:
            up = settle(
                pane, lambda screen: target.count_pattern.search(screen) is not None or not pane.alive()
            )
        except TimeoutError as error:
            print(f"type-ahead {word!r}: {error}", file=sys.stderr)
            return False
        passed = (
            pane.alive() and target.shows(up[2], word) and all(text in up[2] for text in target.calm_texts)
        )
        if not passed:  # what the user would have seen
            print(f"type-ahead {word!r} failed (running: {pane.alive()}):\n{up[2]}", file=sys.stderr)
        return passed
    finally:
        pane.close()


def app_count(command: list[str], query: str) -> int:
    """How many works `catalog-tui search` finds: what the app's status must show."""
    run = subprocess.run([*command, "search", query], capture_output=True, text=True, check=True)
    found = re.search(r"([\d,]+) work", run.stderr)  # the count goes to stderr, the rows to stdout
    return int(found.group(1).replace(",", "")) if found else 0


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


@dataclass
class Report:
    runs: int
    catalog: str
    hogs: int
    load_start: tuple[float, float, float] = (0, 0, 0)
    load_end: tuple[float, float, float] = (0, 0, 0)
    figures: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    type_ahead: dict[str, int] = field(default_factory=dict)
    poll_cycle_ms: float = 0.0  # one capture-pane + POLL: the resolution of the timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="launches of each program (default 5)")
    parser.add_argument("--catalog", type=Path, help="catalogue YAML (default: the bundled one)")
    parser.add_argument("--db", type=Path, help="the store to use (default: a temporary one, seeded first)")
    parser.add_argument("--hogs", type=int, default=0, help="busy-loop processes running beside (default 0)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--type-ahead", type=int, default=0, metavar="N",
                        help="instead: N type-ahead runs of the app per word and timing (default 0)")  # fmt: skip
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # the seeded store
    store = args.db.resolve() if args.db else work / "store.json"
    app_command = [PYTHON, "-m", "catalog_tui", "--lang", "en", "--db", str(store)]
    if args.catalog:
        app_command[3:3] = ["--catalog", str(args.catalog.resolve())]
    os.chdir(ROOT)  # the worktree's catalog_tui is what runs
    os.environ.pop("TMUX", None)  # our private tmux server, even when run inside tmux
    subprocess.run([*app_command, "seed"], check=True, capture_output=True)  # untimed
    from bare_app import load_titles, matches  # benchmarks/ is on sys.path

    titles = load_titles()
    app = Target(
        "catalog-tui", app_command, COUNT_APP, {q: app_count(app_command, q) for q in QUERIES}, "/",
        calm_texts=("✓ 0 selected", "by pinyin"),  # the status wraps at 100k works
    )  # fmt: skip
    bare = Target(
        "bare", [PYTHON, str(ROOT / "benchmarks" / "bare_app.py")], COUNT_BARE,
        {q: len(matches(titles, q)) for q in QUERIES}, ready_text=titles[0][0],
    )  # fmt: skip
    app.expected.update({word: app_count(app_command, word) for word in WORDS})

    hogs = [subprocess.Popen([PYTHON, "-c", "while True: pass"]) for _ in range(args.hogs)]
    report = Report(args.runs, str(args.catalog or "bundled"), args.hogs, load_start=os.getloadavg())
    try:
        warm = Pane(app.command)  # untimed warm-up: file cache, and the list's first row
        try:
            _, _, screen = settle(warm, lambda s: COUNT_APP.search(s) is not None and "Title" in s)
            app.ready_text = first_row(screen)
            polled = time.monotonic()
            for _ in range(20):
                warm.screen()
                time.sleep(POLL)
            report.poll_cycle_ms = (time.monotonic() - polled) / 20 * 1000
        finally:
            warm.close()
        if args.type_ahead:
            print(type_ahead_report(app, args.type_ahead, report), flush=True)
            return
        results: dict[str, list[dict[str, float]]] = {app.name: [], bare.name: []}
        passes = {app.name: 0, bare.name: 0}
        for run in range(args.runs):
            for target in (app, bare) if run % 2 == 0 else (bare, app):
                results[target.name].append(measure(target))
                passes[target.name] += type_ahead(target)
                print(f"run {run + 1} {target.name}: {results[target.name][-1]}", file=sys.stderr)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    report.load_end = os.getloadavg()
    for name, rows in results.items():
        report.figures[name] = {key: summary([row[key] for row in rows]) for key in rows[0]}
    report.type_ahead = passes
    print(json.dumps(report.__dict__, indent=2) if args.json else render(report))


def type_ahead_report(app: Target, runs: int, report: Report) -> str:
    """Each word, from launch and from the list's first appearance, `runs` times (interleaved)."""
    passes = {(word, after): 0 for word in WORDS for after in (False, True)}
    for run in range(runs):
        for word, after in passes:
            ok = type_ahead(app, word, after)
            passes[word, after] += ok
            if not ok:
                print(
                    f"run {run + 1}: /{word} {'after the list' if after else 'from launch'} failed",
                    file=sys.stderr,
                )
    load = os.getloadavg()
    lines = [
        f"type-ahead, catalogue {report.catalog}, hogs {report.hogs}, {runs} runs each",
        f"load average at start {report.load_start[0]:.2f}, at end {load[0]:.2f}",
        "| word | from launch | from the list's first frame |",
        "|---|---|---|",
    ]
    lines += [f"| `/{w}` | {passes[w, False]} of {runs} | {passes[w, True]} of {runs} |" for w in WORDS]
    return "\n".join(lines)


def render(report: Report) -> str:
    app, bare = report.figures["catalog-tui"], report.figures["bare"]

    def cell(figure: dict[str, float], scale: float) -> str:
        return f"{figure['median'] * scale:.0f} [{figure['min'] * scale:.0f}–{figure['max'] * scale:.0f}]"

    lines = [
        f"catalogue: {report.catalog}; {report.runs} runs each, alternating; hogs: {report.hogs}",
        f"load average at start {report.load_start[0]:.2f}, at end {report.load_end[0]:.2f}",
        f"screen read every {report.poll_cycle_ms:.0f} ms (timings are ± one read)",
        "| figure | app median [range] | bare median [range] | ratio |",
        "|---|---|---|---|",
    ]
    for key in app:
        scale, unit = (1000, "ms") if key.endswith("_s") else (1, "")
        label = LABELS[key] + (f" ({unit})" if unit else "")
        ratio = app[key]["median"] / bare[key]["median"] if bare[key]["median"] else float("nan")
        lines.append(f"| {label} | {cell(app[key], scale)} | {cell(bare[key], scale)} | {ratio:.2f}× |")
    lines.append(
        "type-ahead (`/qingming` from launch: whole word in the box, still running, nothing selected or sorted): "
        + ", ".join(f"{name} {count} of {report.runs}" for name, count in report.type_ahead.items())
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
