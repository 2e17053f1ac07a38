"""The access-control matrix (issue #15): every URL and API endpoint that takes an object id or a 工号,
requested as every role, against the answer docs/rules.md (§1 and the sections of each feature) gives.

One `Row` per URL name. Columns are the personas of tests/access_matrix_fixtures.py: `owner` and `peer`
(another user of the owner's own role) come with the row's object; the others stand for their role
(trainer / hr / manager of the owner's district, trainer_b / hr_b of another district, a mentor and a
trainee with no tie to the owner, a judge on no panel, a superuser). A cell is a status code, `OK`
(a permitted POST with an empty body: anything but 401/403/404 and no server error) or `None`
(the object has no owner/peer). Out-of-scope objects are 404, never 403 (rules §1); 403 is only the
answer of pages gated by role alone (批量导入) and 401 the API's answer to an anonymous caller.

`test_every_id_pattern_is_in_the_matrix` walks the URL resolver (django-ninja's routes included):
a new pattern with a parameter must get a row here or a line in EXEMPT saying why not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import access_matrix_fixtures as fx

pytestmark = pytest.mark.django_db

OK = "OK"  # a permitted request with a bad or empty body: not 401/403/404, not 5xx


@dataclass
class Row:
    name: str
    build: Any
    method: str = "GET"
    fresh: bool = False  # rebuild the object for every persona (a permitted POST changes it)
    cells: dict[str, Any] = field(default_factory=dict)

    def __init__(self, name, build, method="GET", fresh=False, **cells):
        self.name, self.build, self.method, self.fresh = name, build, method, fresh
        unknown = set(cells) - set(fx.PERSONAS)
        missing = set(fx.PERSONAS) - set(cells)
        assert not unknown and not missing, f"{name}: unknown {sorted(unknown)}, missing {sorted(missing)}"
        self.cells = cells


# Common column sets, spelled out once so each row below only says how it differs.
def personal(**overrides):
    """A worker's own record: the owner, and the staff whose subtree holds the owner (rules §1)."""
    cells = dict(
        anon=302,
        owner=200,
        peer=404,
        trainee=404,
        mentor=404,
        trainer=200,
        trainer_b=404,
        judge=404,
        hr=200,
        hr_b=404,
        manager=200,
        su=200,
    )
    return {**cells, **overrides}


def only_owner(ok=200, anon=302, **overrides):
    """The owner's alone: everyone else, superuser included, gets 404."""
    cells = {p: 404 for p in fx.PERSONAS}
    cells.update(anon=anon, owner=ok)
    return {**cells, **overrides}


def role_page(allowed: dict[str, Any], other=404, anon=302):
    """No owner: a page for some roles; everybody else gets `other`."""
    cells = {p: other for p in fx.PERSONAS}
    cells.update(anon=anon, owner=None, peer=None)
    cells.update(allowed)
    return cells


def contest_seen(status, anon=302, **overrides):
    """A competition organised by 甲区 (rules §14.1): seen by everyone of 甲区, by every trainer and judge
    and by the superuser; 乙区's HR (neither trainer nor judge, not of 甲区) gets 404."""
    cells = {p: status for p in fx.PERSONAS}
    cells.update(anon=anon, hr_b=404)
    return {**cells, **overrides}


def organisers(ok=200, **overrides):
    """The organisers of a competition of 甲区 (rules §14.1): 甲区's trainer and the superuser."""
    return only_owner(ok=404, **{"trainer": ok, "su": ok, **overrides})


ALL_WORKERS = ("trainee", "mentor", "trainer", "trainer_b", "judge", "hr", "hr_b", "manager")

ROWS = [
    # --- lms: workers, notifications, exports, imports (rules §1, §2, §11; development.md 页面导出) ---
    Row("worker_detail", fx.build_worker, **personal()),
    # A message is its recipient's; opening it redirects to its link. A superuser has no inbox of others.
    Row("notification_open", fx.build_notification, "POST", **only_owner(ok=302)),
    Row("export_job", fx.build_export_job, **only_owner()),
    Row("export_job_status", fx.build_export_job, **only_owner()),
    Row("export_job_download", fx.build_export_job, **only_owner()),
    Row("import_job", fx.build_import_job, **only_owner()),
    Row("import_job_status", fx.build_import_job, **only_owner()),
    Row("import_job_confirm", fx.build_import_job, "POST", **only_owner(ok=OK)),
    # 人员导入 is HR's (and the superuser's); a role without the import gets 403 (a role gate, no object).
    Row("import_start", fx.build_import_kind, **role_page({"hr": 200, "hr_b": 200, "su": 200}, other=403)),
    Row("import_template", fx.build_import_kind, **role_page({"hr": 200, "hr_b": 200, "su": 200}, other=403)),
    # --- certificates (rules §2, §8, §9) ---
    Row("certificates:pdf", fx.build_certificate, **personal(trainer=404, manager=404)),
    Row("certificates:scan", fx.build_external_certificate, **personal(trainer=404, manager=404)),
    Row("certificates:hr_certificate", fx.build_certificate, **personal(owner=404, trainer=404, manager=404)),
    Row(
        "certificates:hr_certificate_scan",
        fx.build_external_certificate,
        **personal(owner=404, trainer=404, manager=404),
    ),
    # A bulk issuance job is HR's of the unit that started it (and above): its batch PDF holds those people.
    Row("certificates:hr_job", fx.build_issuance_job, **only_owner(hr=200, su=200)),
    Row("certificates:hr_job_status", fx.build_issuance_job, **only_owner(hr=200, su=200)),
    Row("certificates:hr_job_batch", fx.build_issuance_job, **only_owner(hr=200, su=200)),
    # Allowance months: every HR sees its own subtree's part; approving/discarding is the city HR's (§9).
    Row("certificates:hr_allowance_month", fx.build_allowance_month, **role_page({"hr": 200, "hr_b": 200, "su": 200})),
    Row("certificates:hr_allowance_confirm", fx.build_allowance_confirm, **role_page({"su": 200})),
    Row(
        "certificates:hr_allowance_export",
        fx.build_allowance_export,
        "POST",
        **role_page({"hr": 302, "hr_b": 302, "su": 302}),
    ),
    Row("certificates:hr_register_export", fx.build_fmt, "POST", **role_page({"hr": 302, "hr_b": 302, "su": 302})),
    Row("certificates:hr_incentives_export", fx.build_fmt, "POST", **role_page({"hr": 302, "hr_b": 302, "su": 302})),
    # --- quizzes, attempts, marking (rules §5, §13 "测验作答的链接只给本人") ---
    # A quiz page is for taking it: every worker in its audience; a superuser has no worker record to take it.
    Row("assessments:quiz_detail", fx.build_quiz, **role_page({p: 200 for p in ALL_WORKERS})),
    Row("assessments:quiz_start", fx.build_quiz, "POST", **role_page({p: 302 for p in ALL_WORKERS})),
    Row("assessments:quiz_results", fx.build_quiz, **role_page({"trainer": 200, "trainer_b": 200, "su": 200})),
    Row(
        "assessments:quiz_results_xlsx",
        fx.build_quiz,
        "POST",
        **role_page({"trainer": 302, "trainer_b": 302, "su": 302}),
    ),
    Row(
        "assessments:quiz_bank_export", fx.build_bank_export, **role_page({"trainer": 200, "trainer_b": 200, "su": 200})
    ),
    Row("assessments:attempt", fx.build_attempt, **only_owner()),
    # Short answers are marked by trainers of the trainee's subtree or judges assigned to them (§5).
    Row("assessments:mark_answer", fx.build_essay_answer, **only_owner(ok=404, trainer=200, su=200)),
    Row("api-v1:attempt_detail", fx.build_api_attempt, **only_owner(anon=401)),
    Row("api-v1:answer_put", fx.build_api_answer, "PUT", **only_owner(ok=OK, anon=401)),
    Row("api-v1:attempt_submit", fx.build_api_attempt, "POST", fresh=True, **only_owner(ok=200, anon=401)),
    Row("api-v1:attempt_start", fx.build_api_quiz, "POST", **{**{p: OK for p in fx.PERSONAS}, "anon": 401, "su": 404}),
    # --- competency (rules §7.2, §7.3, §13) ---
    Row("assessments:competency_worker", fx.build_worker, **personal()),
    Row("assessments:competency_indicator", fx.build_indicator, **personal()),
    # The yearly report: the worker and HR of the worker's subtree (§13), and the superuser.
    Row("assessments:competency_report", fx.build_report, **personal(trainer=404, manager=404)),
    # Item answers of the 自评 (§7.3): "只有本人和其所在组织范围内的人事能看到（人事的“自评作答查询”页）".
    # Read strictly: the result page is the worker's, the query page is HR's; a superuser, who is not
    # HR, sees neither (§7.3 is narrower than §1's "超级管理员看到全部").
    Row("assessments:self_assessment_result", fx.build_self_assessment, **only_owner()),
    Row(
        "assessments:self_assessment_answers",
        fx.build_worker,
        **personal(owner=404, trainer=404, manager=404, su=404),
    ),
    # Observing: staff who see the worker, not the worker themself (§7.2).
    Row("assessments:observation_new", fx.build_worker, **personal(owner=404)),
    Row("assessments:observation", fx.build_observation, **personal()),
    Row("assessments:survey_card", fx.build_worker, **personal()),
    Row("assessments:survey_card_pdf", fx.build_worker, **personal()),
    Row(
        "assessments:survey_review_decide",
        fx.build_survey_pending,
        "POST",
        fresh=True,
        **personal(owner=404, trainer=OK, hr=OK, manager=OK, su=OK),
    ),
    # --- mentorship (rules §12): owner is the term's mentor unless the row says mentee ---
    Row("mentorship:term", fx.build_term, **personal()),
    # Ending and reassigning are for the mentee's subtree trainer and HR; a manager sees the term but not the forms.
    Row(
        "mentorship:term_end",
        fx.build_term,
        "POST",
        fresh=True,
        **personal(owner=404, manager=404, trainer=OK, hr=OK, su=OK),
    ),
    Row(
        "mentorship:term_reassign",
        fx.build_term,
        "POST",
        fresh=True,
        **personal(owner=404, manager=404, trainer=OK, hr=OK, su=OK),
    ),
    # Sign-off is proposed by the term's own mentor only (anyone else, a colleague included: 404).
    Row("mentorship:signoff_new", fx.build_term, **only_owner()),
    # Feedback on the mentor: the mentee of an ended term, once (owner = mentee here).
    Row("mentorship:feedback_new", fx.build_ended_term_for_mentee, **only_owner()),
    # The sign-off review is opened only by trainers of the mentee's subtree (§12 "其他人（人事、管理者、
    # 其他辖区的培训管理员、导师本人）打开审核一律 404"); the proposing mentor follows its status.
    # A superuser is not among "these trainers": read strictly, 404.
    Row("mentorship:signoff", fx.build_signoff, **only_owner(trainer=200)),
    Row(
        "mentorship:signoff_decide",
        fx.build_signoff,
        "POST",
        fresh=True,
        **only_owner(ok=404, trainer=OK),
    ),
    Row("mentorship:session", fx.build_session_of_mentor, **personal()),
    Row("mentorship:session_photo", fx.build_session_of_mentor, **personal()),
    # Confirming or disputing is the mentee's alone (owner = mentee); rating is the mentor's alone.
    Row("mentorship:session_confirm", fx.build_session_of_mentee, "POST", fresh=True, **only_owner(ok=302)),
    Row("mentorship:session_dispute", fx.build_session_of_mentee, "POST", fresh=True, **only_owner(ok=302)),
    Row("mentorship:session_rate", fx.build_session_of_mentor, "POST", fresh=True, **only_owner(ok=302)),
    Row(
        "api-v1:session_confirm",
        fx.build_api_session_of_mentee,
        "POST",
        fresh=True,
        **only_owner(ok=OK, anon=401),
    ),
    # --- courses and classroom sessions (rules §4): owner of a course row is its enrolled trainee ---
    # Enrolling and completing are a worker's own actions (a refusal is a message and a redirect);
    # a superuser has no worker record to enrol.
    Row("courses:course_enrol", fx.build_course, "POST", **{**{p: 302 for p in fx.PERSONAS}, "su": 404}),
    Row("courses:lesson_complete", fx.build_lesson, "POST", **{**{p: 302 for p in fx.PERSONAS}, "su": 404}),
    # Reading a lesson needs an enrolment (others are sent to the course page to enrol); trainers read all.
    Row(
        "courses:lesson",
        fx.build_lesson_slug,
        **{**{p: 302 for p in fx.PERSONAS}, "owner": 200, "trainer": 200, "trainer_b": 200, "su": 200},
    ),
    # Assigning: trainers of the course's owner unit subtree.
    Row("courses:course_assign", fx.build_course, **only_owner(ok=404, trainer=200, su=200)),
    # A session (owner = its trainer of 甲区, peer = 乙区's trainer) is seen by the people of its unit
    # and managed (QR codes, attendance) by trainers of that subtree.
    Row(
        "courses:session_detail",
        fx.build_training_session,
        **{**{p: 200 for p in fx.PERSONAS}, "anon": 302, "peer": 404, "trainer_b": 404, "hr_b": 404, "judge": 404},
    ),
    Row(
        "courses:session_sign_up",
        fx.build_training_session,
        "POST",
        **{**{p: 302 for p in fx.PERSONAS}, "peer": 404, "trainer_b": 404, "hr_b": 404, "judge": 404, "su": 404},
    ),
    Row(
        "courses:session_check",
        fx.build_training_session,
        **{
            **{p: 200 for p in fx.PERSONAS},
            "anon": 302,
            "peer": 404,
            "trainer_b": 404,
            "hr_b": 404,
            "judge": 404,
            "su": 404,
        },
    ),
    Row("courses:session_qr", fx.build_training_session, **only_owner(trainer=200, su=200)),
    Row("courses:session_qr_svg", fx.build_training_session, **only_owner(trainer=200, su=200)),
    Row(
        "courses:session_attendance",
        fx.build_training_session,
        "POST",
        **only_owner(ok=OK, trainer=OK, su=OK),
    ),
    # --- casebank: drills (rules §1, §6), the search log (§10), the monthly compilation ---
    # Starting a drill is anyone's (a refusal is a message and a redirect back to the drill).
    Row("casebank:drill_start", fx.build_drill, "POST", **role_page({p: 302 for p in ALL_WORKERS + ("su",)})),
    # A run is stepped by its runner alone; it is read by the runner and the staff of the runner's subtree.
    Row("casebank:drill_step", fx.build_drill_run, "POST", **only_owner(ok=302)),
    Row("casebank:drill_result", fx.build_drill_run, **personal()),
    # A written answer is marked by the judges named on the drill and the trainers of the runner's
    # subtree (never a judge not named on it: the `judge` column and the peer).
    Row("casebank:judge_step", fx.build_drill_response, **only_owner(trainer=200, su=200)),
    # §10: "只能记本人的检索，别人的检索编号 404 且不改任何记录" — the superuser included.
    Row("casebank:search_open", fx.build_search_open, **only_owner(ok=302)),
    Row("casebank:faq_helpful", fx.build_faq_helpful, "POST", **only_owner(ok=302)),
    Row("api-v1:case_search_opened", fx.build_api_search_opened, "POST", **only_owner(ok=200, anon=401)),
    # 案例汇编 is for every signed-in user (docs/operations.md); it is private only against anonymous visitors.
    Row(
        "casebank:compilation_download",
        fx.build_compilation,
        **role_page({p: 200 for p in ALL_WORKERS + ("su",)}),
    ),
    # --- competitions (rules §14). The competition is 甲区's: its trainer and the superuser organise it.
    # owner = a contestant, peer = a contestant of another competition of 甲区 ---
    # §14.1: trainers, judges and the superuser see every competition; others those of their units.
    Row("competitions:detail", fx.build_competition, **contest_seen(200)),
    Row("competitions:board", fx.build_competition, **contest_seen(200)),
    Row("competitions:board_json", fx.build_competition, **contest_seen(200, anon=401)),
    Row("api-v1:leaderboard", fx.build_api_competition, **contest_seen(200, anon=401)),
    # Entering and withdrawing answer with a message and a redirect; a superuser has no worker record.
    Row("competitions:enter", fx.build_competition, "POST", **contest_seen(302, su=404)),
    Row("competitions:withdraw", fx.build_competition, "POST", **contest_seen(302, su=404)),
    Row("competitions:manage", fx.build_competition, **organisers()),
    Row("competitions:entrants", fx.build_competition, **organisers()),
    Row("competitions:promote", fx.build_competition, "POST", **organisers(302)),
    Row("competitions:awards", fx.build_competition, **organisers()),
    Row("competitions:award_job_status", fx.build_award_job, **organisers()),
    Row("competitions:results_xlsx", fx.build_competition, **organisers()),
    Row("competitions:results_pdf", fx.build_competition, **organisers()),
    # §14.4: a quota is filled by trainers of the units' subtree (乙区's trainer has no unit in 甲区).
    Row("competitions:nominate", fx.build_quota_competition, **organisers()),
    # Rounds (owner = chief judge of panel 1, peer = chief judge of panel 2 of the same round).
    Row("competitions:panels", fx.build_judged_round, **organisers()),
    Row("competitions:round_publish", fx.build_judged_round, **organisers()),
    Row("competitions:scores_import", fx.build_judged_round, **organisers()),
    # §14.3: closing is the round's chief judges' and the organisers'; reviews are the chief judges'.
    Row("competitions:round_close", fx.build_judged_round, **organisers(peer=200, owner=200)),
    Row("competitions:reviews", fx.build_judged_round, **only_owner(peer=200)),
    # A judge sees the round's page for their own panel, and a sheet only for a contestant of it (§14.1).
    Row("competitions:judge_round", fx.build_judged_round, **only_owner(peer=200)),
    Row("competitions:judge_entry", fx.build_score_sheet, **only_owner()),
    # §14.7: the waiting room and its clock are the competition's contestants' alone.
    Row("competitions:paper", fx.build_paper, **only_owner()),
    Row("competitions:paper_clock", fx.build_paper, **only_owner()),
]

ROWS_BY_NAME = {row.name: row for row in ROWS}

# Patterns with a parameter that are not in the matrix, each with why.
EXEMPT_PREFIXES = {
    "admin/": "Wagtail 的后台，由 Wagtail 自己的权限体系把守（只有培训管理员和超级管理员能进入）",
    "django-admin/": "Django 自带的后台，只有 is_staff 的账号能进入",
    "media/": "公开媒体文件（图片、文档）；含个人信息的文件在私有目录，不经过这里",
    "documents/authenticate_with_password/": "Wagtail 文档的密码保护表单（本站未使用文档密码保护）",
    "_util/authenticate_with_password/": "Wagtail 页面的密码保护表单（课程页面不提供页面访问限制）",
}
EXEMPT = {
    "certificates:verify": "公开核验页（第 8 节），任何人按核验码打开；错误的码是 404（见 test_public_pages_refuse_a_wrong_code）",
    "api-v1:verify_certificate": "公开核验接口（第 8 节）；错误的码是 404（见 test_public_pages_refuse_a_wrong_code）",
    "assessments:survey_form": "居民扫码作答的公开链接（第 7.2 节）；伪造的令牌是 404（见 test_public_pages_refuse_a_wrong_code）",
    "assessments:survey_thanks": "群众评价的感谢页，同一令牌；伪造的令牌是 404（见 test_public_pages_refuse_a_wrong_code）",
    "competitions:big_screen": "现场大屏的秘密链接（第 14.6 节）；错误的令牌是 404（见 test_public_pages_refuse_a_wrong_code）",
    "competitions:big_screen_json": "现场大屏的数据，同一秘密链接；错误的令牌是 404（见 test_public_pages_refuse_a_wrong_code）",
}


# --- the resolver walk -------------------------------------------------------------------------------

PARAMETER = re.compile(r"<[^>]+>|\{[^}]+\}|\(\?P<")


def id_patterns(resolver=None, prefix="", namespace=""):
    """(route, URL name) of every pattern whose route takes a parameter, recursing into includes."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from id_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and PARAMETER.search(route):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield route.lstrip("^"), name


def uncovered(patterns, rows=ROWS_BY_NAME, exempt=EXEMPT) -> list[str]:
    """Patterns in neither the matrix nor the exemptions, as 'route (name)'."""
    missing = []
    for route, name in patterns:
        if any(route.startswith(prefix) for prefix in EXEMPT_PREFIXES):
            continue
        if name and (name in rows or name in exempt):
            continue
        missing.append(f"{route} ({name or '无名称'})")
    return missing


def test_every_id_pattern_is_in_the_matrix():
    missing = uncovered(id_patterns())
    assert not missing, "这些带参数的地址既不在访问矩阵中，也不在豁免名单中：\n" + "\n".join(missing)


def test_a_new_pattern_with_an_id_fails_the_coverage_check():
    # The check itself, fed one made-up pattern beside the real ones.
    fake = ("reports/<int:pk>/secret/", "reports:secret")
    covered = ("workers/<str:employee_no>/", "worker_detail")
    exempt = ("admin/pages/<int:page_id>/edit/", "wagtailadmin_pages:edit")
    assert uncovered([covered, exempt, fake]) == ["reports/<int:pk>/secret/ (reports:secret)"]
    ninja_style = ("api/v1/reports/<report_id>", "api-v1:report")
    assert uncovered([ninja_style]) == ["api/v1/reports/<report_id> (api-v1:report)"]


def test_the_walk_sees_ninja_routes_and_exempted_admin():
    names = {name for _, name in id_patterns()}
    assert "api-v1:attempt_detail" in names  # {attempt_id} inside django-ninja's router
    routes = [route for route, _ in id_patterns()]
    assert any(route.startswith("admin/") for route in routes)


def test_every_row_names_a_real_url():
    names = {name for _, name in id_patterns()}
    assert not [row.name for row in ROWS if row.name not in names]
    assert not set(EXEMPT) & set(ROWS_BY_NAME)


# --- public pages by design: a wrong code or token is 404 -------------------------------------------


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("certificates:verify", {"code": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        ("api-v1:verify_certificate", {"code": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        ("assessments:survey_form", {"token": "forged"}),
        ("assessments:survey_thanks", {"token": "forged"}),
        ("competitions:big_screen", {"token": "not-the-secret"}),
        ("competitions:big_screen_json", {"token": "not-the-secret"}),
    ],
)
def test_public_pages_refuse_a_wrong_code(client, db, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("name", ["competitions:big_screen", "competitions:big_screen_json"])
@pytest.mark.parametrize("persona", ["anon", "trainee", "hr_b", "su"])
def test_big_screen_answers_anyone_with_the_right_token(client, people, name, persona):
    # §14.6: the screen opens by the competition's secret link, without logging in; any account too.
    token = fx.big_screen_token(people)
    if people[persona] is not None:
        client.force_login(people[persona])
    assert client.get(reverse(name, kwargs={"token": token})).status_code == 200


def test_public_verification_answers_anyone_with_the_right_code(client, people):
    target = fx.build_certificate(people)
    assert client.get(reverse("certificates:verify", kwargs=target.kwargs)).status_code == 200


# --- the matrix ---------------------------------------------------------------------------------------


def _request(client, method, url, data):
    if method == "GET":
        return client.get(url)
    if method == "POST" and not url.startswith("/api/"):
        return client.post(url, data)
    return client.generic(method, url, data=json.dumps(data or {}), content_type="application/json")


def _matches(expected, got: int) -> bool:
    if expected == OK:
        return got not in (401, 403, 404) and got < 500
    return got == expected


@pytest.fixture
def people(db):
    return fx.make_people()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_access(row, people, client):
    failures = []
    target = None
    for persona in fx.PERSONAS:
        expected = row.cells[persona]
        if target is None or row.fresh:
            target = row.build(people)
        if persona in ("owner", "peer"):
            user = target.owner if persona == "owner" else target.peer
            if expected is None:
                assert user is None, f"{row.name}: {persona} has a user but no expected status"
                continue
            assert user is not None, f"{row.name}: the object has no {persona}"
        else:
            user = people[persona]
        client.logout()
        if user is not None:
            client.force_login(user)
        url = reverse(row.name, kwargs=target.kwargs)
        got = _request(client, row.method, url, target.data).status_code
        if not _matches(expected, got):
            failures.append(f"{row.method} {url} 以 {persona} 身份：应为 {expected}，实际 {got}")
    assert not failures, "\n".join(failures)
