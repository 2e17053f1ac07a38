"""CI stage: schemathesis against the live API, logged in as a demo worker and as a trainer.

Builds a throwaway SQLite database in a temporary VAR_DIR (`manage.py migrate` and `load_demo`),
serves it with gunicorn on a free port (DEBUG off, as in production), logs in as wg0001 (网格员) and
px001 (培训管理员) through the login page, then runs `schemathesis run` on /api/v1/openapi.json
once per account with the session and CSRF cookies and the X-CSRFToken header. The checks: no 5xx,
every status returned is documented, every body matches its schema and content type. The server is
always stopped and the temporary directory removed.

    .venv/bin/python .ci/schemathesis_api.py            # as CI runs it
    SCHEMATHESIS_MAX_EXAMPLES=200 .venv/bin/python .ci/schemathesis_api.py
    SCHEMATHESIS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ga_fuzz .venv/bin/python .ci/schemathesis_api.py

With SCHEMATHESIS_DATABASE_URL the run uses that PostgreSQL database instead (created afresh and
dropped afterwards). Part of the generated path parameters are real ids of the demo data (the
account's quizzes, an attempt it starts at up to three of them and their questions, certificate
codes), so the requests reach the real logic and not only 404. JUnit reports go to
var/schemathesis-<account>.xml. Exit status: 0 when both runs pass, 1 otherwise.
"""

from __future__ import annotations

import http.client
import http.cookies
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.demo_server import DEMO_PASSWORD, DemoSite, demo_site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ACCOUNTS = [("wg0001", "网格员"), ("px001", "培训管理员")]
PASSWORD = DEMO_PASSWORD
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261125")
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,coverage,fuzzing")
SAMPLE_ANSWERS = ["A", "B", "C", "AB", "ACD", "对", "错", "先稳定情绪，再联系社区民警"]
REPORT_DIR = ROOT / "var"  # JUnit reports, one per account, for the CI's artefacts


def say(text: str) -> None:
    print(f"[schemathesis] {text}", flush=True)


def log_in(port: int, username: str) -> tuple[str, str]:
    """Session id and CSRF token of `username`, through the login page as a browser would.

    The cookies are marked Secure (DEBUG off) and this is plain HTTP, so they are carried by hand.
    """
    cookies: dict[str, str] = {}

    def call(method: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, "/login/", body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({name: morsel.value for name, morsel in http.cookies.SimpleCookie(header).items()})
        conn.close()
        return response.status, page

    _, page = call("GET")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, _ = call("POST", form)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"{username} 登录失败（HTTP {status}）")
    return cookies["sessionid"], cookies["csrftoken"]  # login rotates the CSRF token: the new one


def call_api(base: str, session: str, csrf: str, method: str, path: str):
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}
    request = urllib.request.Request(f"{base}/api/v1{path}", method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def real_ids(base: str, session: str, csrf: str, username: str) -> dict[str, list]:
    """Ids that exist for this account, so that part of the generated requests reach the real
    logic instead of a 404: its quizzes, and an attempt (with its questions) at up to three."""
    status, _ = call_api(base, session, csrf, "GET", "/me")
    if status != 200:
        raise SystemExit(f"{username}：/api/v1/me 返回 {status}")
    _, quizzes = call_api(base, session, csrf, "GET", "/quizzes")
    ids: dict[str, list] = {"quiz_id": [q["id"] for q in quizzes], "attempt_id": [], "question_id": []}
    for quiz_id in ids["quiz_id"][:3]:
        status, attempt = call_api(base, session, csrf, "POST", f"/quizzes/{quiz_id}/attempts")
        if status == 200:
            ids["attempt_id"].append(attempt["id"])
            ids["question_id"].extend(q["id"] for q in attempt["questions"])
    return ids


def certificate_codes(site: DemoSite) -> list[str]:
    code = (
        "import json; from certificates.models import Certificate; "
        "print(json.dumps(list(Certificate.objects.values_list('verification_code', flat=True)[:5])))"
    )
    return json.loads(site.manage("shell", "-c", code).strip().splitlines()[-1])


def write_config(path: Path, values: dict[str, list]) -> None:
    """schemathesis.toml: each parameter takes a real value half the time (a dictionary), the
    fuzzing phase reuses values seen in earlier responses, the crash cache lives under var/."""
    lines = [
        "[cache]",
        f"directory = {json.dumps(str(REPORT_DIR / 'schemathesis-cache'))}",
        "",
        "[phases.fuzzing.extra-data-sources]",
        "responses = true",
        "",
    ]
    bindings = []
    for name, found in values.items():
        if not found:
            continue
        location = "body" if name == "answer" else "path"
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(sorted(set(found)), ensure_ascii=False)}", ""]
        bindings.append(f'"{location}.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
    if bindings:
        lines += ["[parameters]", *bindings, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def fuzz(base: str, session: str, csrf: str, config: Path, report: Path) -> int:
    """Run schemathesis from the temporary directory (hypothesis keeps its files in the cwd)."""
    command = [
        str(BIN / "python"),
        str(ROOT / ".ci" / "schemathesis_cli.py"),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "2",
        "--phases",
        PHASES,
        "--generation-with-security-parameters",
        "false",
        "--header",
        f"Cookie: sessionid={session}; csrftoken={csrf}",
        "--header",
        f"X-CSRFToken: {csrf}",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--generation-database",
        "none",
        "--no-color",
    ]
    return subprocess.run(command, cwd=config.parent).returncode


def main() -> int:
    started = time.monotonic()
    database_url = os.environ.get("SCHEMATHESIS_DATABASE_URL")
    REPORT_DIR.mkdir(exist_ok=True)
    log_path = REPORT_DIR / "schemathesis-server.log"
    failed = []
    finished = False
    say(f"建库：migrate + load_demo（{database_url or 'SQLite'}），gunicorn，DEBUG 关闭")
    try:
        with demo_site(production=True, database_url=database_url, log_path=log_path) as site:
            codes = certificate_codes(site)
            say(f"服务已启动：{site.base}（准备用时 {time.monotonic() - started:.0f} 秒）")
            for username, label in ACCOUNTS:
                session, csrf = log_in(site.port, username)
                config = site.var_dir / f"schemathesis-{username}.toml"
                values = {**real_ids(site.base, session, csrf, username), "code": codes, "answer": SAMPLE_ANSWERS}
                write_config(config, values)
                say(f"以 {username}（{label}）运行 schemathesis，每个接口最多 {MAX_EXAMPLES} 例")
                run_started = time.monotonic()
                status = fuzz(site.base, session, csrf, config, REPORT_DIR / f"schemathesis-{username}.xml")
                say(f"{username}：{'通过' if status == 0 else '失败'}（{time.monotonic() - run_started:.0f} 秒）")
                if status != 0:
                    failed.append(username)
            finished = True
    finally:
        if (failed or not finished) and log_path.exists():
            say("服务器日志（最后 80 行）：")
            print("\n".join(log_path.read_text(errors="replace").splitlines()[-80:]), flush=True)
    say(f"共用时 {time.monotonic() - started:.0f} 秒")
    if failed:
        say(f"未通过：{'、'.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
