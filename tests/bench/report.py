"""The benchmark report: every bench records its figures here (through the `bench_report` fixture of
tests/bench/conftest.py), each beside a floor measured in the same run; at the end of the session
the figures are merged into docs/benchmarks.json and the tables of docs/benchmarks.md are rewritten
between `<!-- bench:start -->` and `<!-- bench:end -->` (the prose around them is kept).

Ratio, defined once: how many times slower than its floor a figure is. For a time (lower is better)
it is value / floor; for a rate (higher is better) it is floor / value. A ratio of 3 means "three
times the floor's cost", on any machine; compare ratios, not absolute values, between machines.

`BENCH_REPORT_DIR` writes benchmarks.json and benchmarks.md to another folder (a scratch run at a
reduced `BENCH_SCALE`); `BENCH_REPORT_CHILD_OUT` makes a child pytest (the case search re-run on
PostgreSQL) write only its raw figures there, for the parent run to record.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import socket
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SCALE = float(os.environ.get("BENCH_SCALE", "1") or 1)

# Titles of the tables, in the order they are written; a key's first segment names its table.
GROUPS = {
    "quiz": "测验（gunicorn，HTTP）",
    "courses": "课程（gunicorn，HTTP）",
    "competition": "技能比武（gunicorn，HTTP，asyncio 客户端）",
    "competency": "能力得分",
    "competency_pages": "能力页面（gunicorn，HTTP）",
    "dashboard": "辖区概览（进程内）",
    "certificates": "证书",
    "allowance": "津贴",
    "casebank": "案例检索",
    "workers": "人员",
    "plain_sql": "手写 SQL 与 ORM（进程内，单次调用）",
}


def scaled(count: int, minimum: int = 1) -> int:
    """A bench's default size times BENCH_SCALE (1 for the full run), never below `minimum`."""
    return max(minimum, int(round(count * SCALE)))


@dataclass
class Figure:
    key: str
    label: str
    value: float
    unit: str
    better: str  # "higher" (a rate) or "lower" (a time)
    database: str = ""
    floor: float | None = None
    floor_label: str = ""
    target: float | None = None
    scale: str = ""
    note: str = ""
    missed_because: str = ""
    run: str = ""
    ratio: float | None = field(default=None)
    met: bool | None = field(default=None)

    def __post_init__(self):
        if self.better not in ("higher", "lower"):
            raise ValueError(f"better must be 'higher' or 'lower', not {self.better!r}")
        self.value = float(self.value)
        self.ratio = ratio(self.value, self.floor, self.better)
        self.met = target_met(self.value, self.target, self.better)
        if self.met is False and not self.missed_because:
            raise ValueError(f"{self.key}: a missed target needs its missed_because")
        if self.met is not False:
            self.missed_because = ""


def ratio(value: float, floor: float | None, better: str) -> float | None:
    """Times slower than the floor: value/floor for times, floor/value for rates (> 1: slower)."""
    if floor is None or floor <= 0 or value <= 0:
        return None
    return value / floor if better == "lower" else floor / value


def target_met(value: float, target: float | None, better: str) -> bool | None:
    if target is None:
        return None
    return value >= target if better == "higher" else value < target


def missed(reason: str, *, floor: float | None, target: float | None, better: str, unit: str) -> str:
    """The `missed_because` of a figure: the bench's own reason, and when the floor measured in the
    same run misses the target too, that fact first (then the machine, not the feature, sets the limit)."""
    if floor is not None and target is not None and target_met(floor, target, better) is False:
        return f"同一次运行的地板也只有 {fmt(floor)} {unit}，本机连地板都达不到目标；" + reason
    return reason


class Report:
    """This run's figures; `figure()` is what a bench calls."""

    def __init__(self):
        self.figures: list[Figure] = []

    def figure(self, **kwargs) -> Figure:
        kwargs.setdefault("scale", "")
        figure = Figure(**kwargs)
        self.figures = [f for f in self.figures if (f.key, f.database) != (figure.key, figure.database)]
        self.figures.append(figure)
        print(
            f"[bench] figure {figure.key} ({figure.database or '-'}): {fmt(figure.value)} {figure.unit}"
            + (f", floor {fmt(figure.floor)}, ratio {figure.ratio:.2f}" if figure.ratio is not None else "")
        )
        return figure

    def extend_from_file(self, path: Path) -> None:
        """Record the figures a child pytest wrote (BENCH_REPORT_CHILD_OUT)."""
        if path.exists():
            for raw in json.loads(path.read_text(encoding="utf-8")):
                raw.pop("ratio", None), raw.pop("met", None), raw.pop("run", None)
                self.figure(**raw)


# --- the run stamp -------------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() + ("+改动" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _postgres_version() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 — no server is a fact of the stamp, not an error
        return ""


def run_stamp(load_before: tuple[float, float, float], load_after: tuple[float, float, float]) -> dict:
    now = dt.datetime.now().astimezone()
    return {
        "id": now.strftime("%Y%m%d-%H%M%S"),
        "time": now.isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "host": socket.gethostname(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "bench_scale": SCALE,
    }


# --- merge and write ---------------------------------------------------------------------------------


def merge(old: dict, stamp: dict, figures: list[Figure]) -> dict:
    """This run's figures replace the old entries of the same key and database; the others stay,
    each with the stamp of the run that measured it. Stamps no figure refers to are dropped."""
    entries = {(f["key"], f.get("database", "")): f for f in old.get("figures", [])}
    for figure in figures:
        figure.run = stamp["id"]
        entries[(figure.key, figure.database)] = asdict(figure)
    runs = {**old.get("runs", {}), stamp["id"]: stamp}
    used = {f["run"] for f in entries.values()}
    order = {group: n for n, group in enumerate(GROUPS)}
    ordered = sorted(entries.values(), key=lambda f: (order.get(f["key"].split(".")[0], 99), f.get("order", 0)))
    return {
        "about": "由 make bench 生成（tests/bench/report.py）；比值 = 比地板慢的倍数：时间为 值/地板，速率为 地板/值。",
        "runs": {k: v for k, v in sorted(runs.items()) if k in used},
        "figures": ordered,
    }


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}"
    return f"{value:.2g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_tables(data: dict) -> str:
    runs = data.get("runs", {})
    names = {run_id: f"R{n + 1}" for n, run_id in enumerate(sorted(runs))}
    lines = [
        "",
        "### 运行记录",
        "",
        "| 运行 | 时间 | 提交 | 机器 | Python / SQLite / PostgreSQL | 负载（前 → 后，1 分钟） | 规模系数 |",
        "|---|---|---|---|---|---|---|",
    ]
    for run_id in sorted(runs):
        s = runs[run_id]
        machine = f"{s.get('cpu', '')}，{s.get('cores')} 核，{s.get('memory_gib')} GiB"
        versions = f"{s.get('python')} / {s.get('sqlite')} / {s.get('postgresql') or '无'}"
        load = f"{s['load_before'][0]:.2f} → {s['load_after'][0]:.2f}"
        lines.append(
            f"| {names[run_id]} | {s['time']} | `{s.get('commit', '')}` | {_cell(machine)} | {versions} | {load} | "
            f"{s.get('bench_scale', 1):g} |"
        )
    groups: dict[str, list[dict]] = {}
    for figure in data.get("figures", []):
        groups.setdefault(figure["key"].split(".")[0], []).append(figure)
    for group, figures in groups.items():
        lines += [
            "",
            f"### {GROUPS.get(group, group)}",
            "",
            "| 项目 | 数据量 | 数据库 | 结果 | 地板 | 比值 | 目标 | 是否达到 | 运行 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for f in figures:
            unit = f["unit"]
            value = f"{fmt(f['value'])} {unit}"
            if f.get("note"):
                value += f"（{f['note']}）"
            floor = "—" if f.get("floor") is None else f"{fmt(f['floor'])} {unit}"
            if f.get("floor_label"):
                floor += f"（{f['floor_label']}）"
            target = "—"
            if f.get("target") is not None:
                target = f"{'≥' if f['better'] == 'higher' else '<'} {fmt(f['target'])} {unit}"
            met = {True: "达到", False: "未达到", None: "—"}[f.get("met")]
            if f.get("met") is False:
                met += f"：{f['missed_because']}"
            ratio_text = "—" if f.get("ratio") is None else f"{f['ratio']:.2f}"
            lines.append(
                f"| {_cell(f['label'])} | {_cell(f.get('scale', ''))} | {f.get('database') or '—'} | {_cell(value)} | "
                f"{_cell(floor)} | {ratio_text} | {_cell(target)} | {_cell(met)} | {names.get(f.get('run'), '?')} |"
            )
    return "\n".join(lines) + "\n"


def write(directory: Path, stamp: dict, figures: list[Figure]) -> tuple[Path, Path]:
    import fcntl

    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "benchmarks.json", directory / "benchmarks.md"
    import hashlib
    import tempfile

    name = hashlib.sha1(str(directory.resolve()).encode()).hexdigest()[:12]
    with open(
        Path(tempfile.gettempdir()) / f"grid-bench-{name}.lock", "w"
    ) as lock:  # two bench runs at once merge in turn
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _write_locked(json_path, md_path, stamp, figures)


def _write_locked(json_path: Path, md_path: Path, stamp: dict, figures: list[Figure]) -> tuple[Path, Path]:
    old = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    data = merge(old, stamp, figures)
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = md_path.read_text(encoding="utf-8") if md_path.exists() else f"# 基准数据\n\n{START}\n{END}\n"
    md_path.write_text(with_tables(text, render_tables(data)), encoding="utf-8")
    return json_path, md_path


# The markers count only on lines of their own: the prose may name them in backquotes.
MARKED_BLOCK = re.compile(rf"^{re.escape(START)}$.*?^{re.escape(END)}$", re.M | re.S)


def with_tables(text: str, tables: str) -> str:
    block = f"{START}\n{tables}\n{END}"
    if MARKED_BLOCK.search(text):
        return MARKED_BLOCK.sub(lambda _: block, text, count=1)
    return text.rstrip("\n") + f"\n\n{block}\n"


def report_dir() -> Path:
    return Path(os.environ.get("BENCH_REPORT_DIR") or ROOT / "docs")


def child_out() -> Path | None:
    value = os.environ.get("BENCH_REPORT_CHILD_OUT")
    return Path(value) if value else None


def write_child(path: Path, figures: list[Figure]) -> None:
    path.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False), encoding="utf-8")
