"""City-wide exam against gunicorn on PostgreSQL (issue 4's `make bench` target).

3,200 examinees start a single-attempt, 60-minute exam of 30 questions; each saves 30 answers
through `PUT /api/v1/attempts/{id}/answers/{question_id}`; then all submit. The bench starts its
own gunicorn on 127.0.0.1 against a bench database it recreates (QUIZ_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/gridacademy_bench_quiz), drives it with a bounded pool of
client threads on keep-alive connections, prints saves/s, p95 latency and errors, then compares
every stored answer with what was sent and every score with one computed here from the rules.

Targets (this 2-core machine, client and server sharing it): ≥ 400 answer saves/s at p95 < 200 ms,
all starts within 60 s, zero errors, zero lost answers. Figures are printed, never asserted; the
correctness checks (lost answers, wrong scores) are asserted.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from decimal import Decimal
from urllib.parse import urlparse

from tests.bench import helpers
from tests.bench.helpers import Http, bench_env, gunicorn, p95, require_postgres
from tests.bench.report import missed

BENCH_DB = os.environ.get("QUIZ_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridacademy_bench_quiz")
CLIENTS = int(os.environ.get("QUIZ_BENCH_CLIENTS", 32))
GUNICORN_WORKERS = int(os.environ.get("QUIZ_BENCH_WORKERS", 3))
GUNICORN_THREADS = int(os.environ.get("QUIZ_BENCH_THREADS", 4))
BLANK_POOL = ["二", "2", "２", "二十四", "24", "２４", "不知道", " 2 "]


def run_pool(port: int, tasks: list, handle):
    return helpers.run_pool(port, tasks, handle, CLIENTS)


def answer_for(rng: random.Random, question: dict):
    kind = question["type"]
    letters = list(question["options"])
    if kind == "单选":
        return rng.choice(letters)
    if kind == "多选":
        return "".join(sorted(rng.sample(letters, rng.randint(1, len(letters)))))
    if kind == "判断":
        return rng.choice(["对", "错"])
    return [rng.choice(BLANK_POOL) for _ in range(question["blanks"])]


def prepare(env: dict, seed_file) -> None:
    code = f"from tests.bench.quiz_bench_seed import main; main({str(seed_file)!r})"
    helpers.recreate_database(BENCH_DB, env, code)


def test_bench_city_wide_exam(tmp_path, bench_report):
    require_postgres(BENCH_DB, "quiz")
    env = bench_env(BENCH_DB)
    seed_file = tmp_path / "seed.json"
    started = time.perf_counter()
    prepare(env, seed_file)
    seed = json.loads(seed_file.read_text())
    print(
        f"\n[bench] quiz: bench database ready in {time.perf_counter() - started:.0f}s "
        f"({len(seed['sessions'])} examinees, 30 questions)"
    )
    with gunicorn(env, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS) as port:
        sessions = seed["sessions"]
        helpers.floor_pool(port, sessions, CLIENTS, CLIENTS * 4)  # warm the processes
        floor = helpers.floor_pool(port, sessions, CLIENTS, max(len(sessions), 500))
        run_exam(port, seed, floor, bench_report)


def run_exam(port: int, seed: dict, floor: helpers.Pool, bench_report) -> None:
    quiz_id = seed["quiz_id"]
    sessions = seed["sessions"]
    attempts: dict[int, dict] = {}
    sent: dict[tuple[int, int], object] = {}
    sent_lock = threading.Lock()

    # --- 1. everyone starts -------------------------------------------------------------------------
    def start(client: Http, index: int):
        status, data, seconds = client.call("POST", f"/api/v1/quizzes/{quiz_id}/attempts", sessions[index])
        if status != 200:
            return False, seconds, f"start {status} {data[:120]!r}"
        attempts[index] = json.loads(data)
        return True, seconds, ""

    start_time, start_lat, start_err = run_pool(port, list(range(len(sessions))), start)
    print(
        f"[bench] quiz: {len(sessions)} starts in {start_time:.1f}s ({len(sessions) / start_time:.0f}/s), "
        f"p95 {p95(start_lat) * 1000:.0f} ms, errors {len(start_err)} (target: all within 60 s, 0 errors)"
    )
    for error in start_err[:5]:
        print(f"[bench]   start error: {error}")

    # --- 2. thirty answer saves each, interleaved across examinees ------------------------------------
    tasks = [(index, n) for n in range(30) for index in attempts]

    def save(client: Http, task):
        index, n = task
        attempt = attempts[index]
        question = attempt["questions"][n]
        answer = answer_for(random.Random(index * 100 + n), question)
        status, data, seconds = client.call(
            "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", sessions[index], {"answer": answer}
        )
        if status != 200:
            return False, seconds, f"save {status} {data[:120]!r}"
        with sent_lock:
            sent[(attempt["id"], question["id"])] = answer
        return True, seconds, ""

    save_time, save_lat, save_err = run_pool(port, tasks, save)
    rate = len(tasks) / save_time
    print(
        f"[bench] quiz: {len(tasks)} answer saves in {save_time:.1f}s = {rate:.0f} saves/s, "
        f"p50 {sorted(save_lat)[len(save_lat) // 2] * 1000:.0f} ms, p95 {p95(save_lat) * 1000:.0f} ms, "
        f"errors {len(save_err)} (target: ≥ 400 saves/s at p95 < 200 ms; {CLIENTS} client threads, "
        f"gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS} gthread)"
    )
    for error in save_err[:5]:
        print(f"[bench]   save error: {error}")
    scale = f"{len(sessions):,} 人 × 30 题"
    common = dict(
        database="postgresql",
        scale=scale,
        note=f"{CLIENTS} 个客户端线程，gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS}",
    )
    floor_label = "bench/floor/"
    bench_report.figure(
        key="quiz.autosave.rate",
        label="测验自动保存（吞吐）",
        value=rate,
        unit="次/秒",
        better="higher",
        floor=floor.rate,
        floor_label=floor_label,
        target=400,
        missed_because=missed(
            "每次保存是一个完整的 PUT 请求（会话、CSRF、作答行校验和一条 UPDATE 在同一事务里），"
            "两核上客户端线程、gunicorn 和 PostgreSQL 抢同一份 CPU；机器负载高时下降最多",
            floor=floor.rate,
            target=400,
            better="higher",
            unit="次/秒",
        ),
        **common,
    )
    bench_report.figure(
        key="quiz.autosave.p95",
        label="测验自动保存 p95",
        value=p95(save_lat) * 1000,
        unit="ms",
        better="lower",
        floor=floor.ms(0.95),
        floor_label=floor_label,
        target=200,
        missed_because=missed(
            "请求在两核上排队：并发客户端数多于能同时执行的线程，p95 主要是等待时间",
            floor=floor.ms(0.95),
            target=200,
            better="lower",
            unit="ms",
        ),
        **common,
    )

    # --- 3. everyone submits ----------------------------------------------------------------------------
    results: dict[int, dict] = {}

    def submit(client: Http, index: int):
        status, data, seconds = client.call("POST", f"/api/v1/attempts/{attempts[index]['id']}/submit", sessions[index])
        if status != 200:
            return False, seconds, f"submit {status} {data[:120]!r}"
        results[index] = json.loads(data)
        return True, seconds, ""

    submit_time, submit_lat, submit_err = run_pool(port, list(attempts), submit)
    bench_report.figure(
        key="quiz.start.seconds",
        label="测验开始（全部考生）",
        value=start_time,
        unit="s",
        better="lower",
        floor=len(sessions) / floor.rate,
        floor_label="同样数量的 bench/floor/ 请求所需时间",
        target=60,
        missed_because="开始作答要为每人抽题、写作答和 30 条答案行，两核上排队",
        **common,
    )
    bench_report.figure(
        key="quiz.submit.rate",
        label="测验交卷（吞吐）",
        value=len(attempts) / submit_time,
        unit="次/秒",
        better="higher",
        floor=floor.rate,
        floor_label=floor_label,
        **common,
    )
    print(
        f"[bench] quiz: {len(attempts)} submits in {submit_time:.1f}s ({len(attempts) / submit_time:.0f}/s), "
        f"p95 {p95(submit_lat) * 1000:.0f} ms, errors {len(submit_err)}"
    )

    # --- 4. every stored answer and score against what was sent -----------------------------------------
    lost, wrong_scores = verify(sent, attempts, results)
    print(
        f"[bench] quiz: stored answers compared: {len(sent)}, lost or different: {lost}; "
        f"scores recomputed from the rules: {len(results)}, different: {wrong_scores}"
    )
    assert lost == 0
    assert wrong_scores == 0


def verify(sent: dict, attempts: dict, results: dict) -> tuple[int, int]:
    import psycopg

    from assessments.scoring import score_response

    url = urlparse(BENCH_DB)
    dsn = f"postgresql://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/{url.path.lstrip('/')}"
    with psycopg.connect(dsn) as conn:
        stored = {
            (attempt_id, question_id): response
            for attempt_id, question_id, response in conn.execute(
                "SELECT attempt_id, question_id, response FROM assessments_answer"
            )
        }
        keys = {
            question_id: (qtype, answer, Decimal(points), blank_credit)
            for question_id, qtype, answer, points, blank_credit in conn.execute(
                "SELECT q.id, q.qtype, q.answer, q.points, q.blank_credit FROM assessments_question q"
            )
        }
    lost = sum(1 for key, answer in sent.items() if stored.get(key) != answer)
    wrong = 0
    for index, result in results.items():
        attempt = attempts[index]
        expected = Decimal(0)
        for question in attempt["questions"]:
            qtype, answer, points, blank_credit = keys[question["id"]]
            expected += score_response(
                qtype=qtype,
                answer=answer,
                points=points,
                response=sent.get((attempt["id"], question["id"])),
                partial_credit=True,
                blank_credit=blank_credit,
            )
        if Decimal(str(result["score"])) != expected:
            wrong += 1
    return lost, wrong
