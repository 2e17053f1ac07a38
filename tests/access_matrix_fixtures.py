"""People and objects for the access-control matrix (tests/lms/test_access_matrix.py).

Every builder makes one fresh object with an owner and a **peer** (another user of the owner's role,
who must not reach it) and returns a `Target`: the URL's arguments and the owner and peer users.
The standing personas (`people`) are the same for every row:

    测试市 ─ 甲区 (trainer, hr, manager) ─ 甲街道 ─ 一社区 ─ 一网格 (owner trainees, mentor)
                                                      └ 二网格 (trainee)
           ─ 乙区 (trainer_b, hr_b)
           (judge at the city)           superuser (su) without a worker record
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from lms import roles
from tests.factories import WorkerFactory, org

GRID = "测试市/甲区/甲街道/一社区/一网格"
GRID2 = "测试市/甲区/甲街道/一社区/二网格"
DISTRICT_A = "测试市/甲区"
DISTRICT_B = "测试市/乙区"
GRID_B = "测试市/乙区/丙街道/三社区/一网格"

# The personas every row is requested as; `owner` and `peer` come from the row's builder.
PERSONAS = (
    "anon",
    "owner",
    "peer",
    "trainee",
    "mentor",
    "trainer",
    "trainer_b",
    "judge",
    "hr",
    "hr_b",
    "manager",
    "su",
)


def worker(path: str, *codes: str, **kwargs):
    return WorkerFactory(org_unit=org(path), roles=set(codes or {roles.TRAINEE}), **kwargs)


def make_people() -> dict[str, Any]:
    """The standing personas (users; `anon` is None)."""
    su = get_user_model().objects.create_superuser("matrix-su", password="Test@12345")
    people = {
        "trainee": worker(GRID2),
        "mentor": worker(GRID, roles.MENTOR, roles.TRAINEE),
        "trainer": worker(DISTRICT_A, roles.TRAINER),
        "trainer_b": worker(DISTRICT_B, roles.TRAINER),
        "judge": worker("测试市", roles.JUDGE),
        "hr": worker(DISTRICT_A, roles.HR),
        "hr_b": worker(DISTRICT_B, roles.HR),
        "manager": worker(DISTRICT_A, roles.MANAGER),
    }
    users = {name: w.user for name, w in people.items()}
    users["su"] = su
    users["anon"] = None
    users["_workers"] = people
    return users


@dataclass
class Target:
    kwargs: dict[str, Any]
    owner: Any = None  # a user, or None when the object has no owner (a quiz, a course)
    peer: Any = None
    data: dict[str, Any] = field(default_factory=dict)


def trainee_pair():
    return worker(GRID), worker(GRID)


# --- lms -------------------------------------------------------------------------------------------


def build_worker(people) -> Target:
    owner, peer = trainee_pair()
    return Target({"employee_no": owner.employee_no}, owner.user, peer.user)


def build_notification(people) -> Target:
    from lms.services import notification_send

    owner, peer = trainee_pair()
    note = notification_send(recipient=owner.user, title="矩阵测试消息", url="/")
    return Target({"pk": note.pk}, owner.user, peer.user)


def _export_job(user):
    from lms.models import ExportJob

    job = ExportJob.objects.create(
        requested_by=user,
        kind="certificates.register",
        title="持证登记表",
        status=ExportJob.Status.DONE,
        file_name="持证登记表.csv",
        content_type="text/csv",
    )
    job.file.save("matrix.csv", ContentFile(b"\xef\xbb\xbfa,b\n"), save=True)
    return job


def build_export_job(people) -> Target:
    # An export is its starter's alone (docs/development.md, 页面导出): the peer is HR of another district.
    owner, peer = worker(DISTRICT_A, roles.HR), worker(DISTRICT_B, roles.HR)
    return Target({"pk": _export_job(owner.user).pk}, owner.user, peer.user)


def build_import_job(people) -> Target:
    from lms.models import ImportJob

    owner, peer = worker(DISTRICT_A, roles.HR), worker(DISTRICT_B, roles.HR)
    job = ImportJob(requested_by=owner.user, kind="lms.workers", title="人员导入", file_name="人员.csv")
    job.file.save("matrix.csv", ContentFile("工号,姓名\n".encode()), save=False)
    job.status = ImportJob.Status.FAILED if hasattr(ImportJob.Status, "FAILED") else job.status
    job.save()
    return Target({"pk": job.pk}, owner.user, peer.user)


def build_import_kind(people) -> Target:
    return Target({"kind": "lms.workers"})


# --- certificates ----------------------------------------------------------------------------------


def build_certificate(people) -> Target:
    from certificates.services import certificate_issue

    owner, peer = trainee_pair()
    cert = certificate_issue(worker=owner, type_code="HONOR", source_label="矩阵测试")
    return Target({"code": cert.verification_code}, owner.user, peer.user)


def build_external_certificate(people) -> Target:
    """An external qualification with its archived scan (rules §8: holder and subtree HR only)."""
    from certificates.models import Certificate, CertificateType
    from certificates.services import new_verification_code

    owner, peer = trainee_pair()
    ctype = CertificateType.objects.get(code="PSY")
    cert = Certificate(
        worker=owner,
        certificate_type=ctype,
        serial_no=f"PSY-{owner.employee_no}",
        issued_on=timezone.localdate() - dt.timedelta(days=30),
        verification_code=new_verification_code(),
        issuer="某发证机关",
        source=Certificate.Source.EXTERNAL,
    )
    cert.scan.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    cert.save()
    return Target({"code": cert.verification_code}, owner.user, peer.user)


def build_issuance_job(people) -> Target:
    """A bulk issuance job started by HR of 甲区 for 甲区's people; its peer is HR of 乙区."""
    from certificates.models import IssuanceJob

    owner, peer = worker(DISTRICT_A, roles.HR), worker(DISTRICT_B, roles.HR)
    job = IssuanceJob.objects.create(
        title="矩阵测试批次",
        org_unit=org(DISTRICT_A),
        certificate_type_id=_type_id("HONOR"),
        issued_on=timezone.localdate(),
        created_by=owner.user,
        status=IssuanceJob.Status.DONE,
    )
    from lms.private_media import private_storage

    job.batch_pdf = private_storage().save(f"matrix/batch-{job.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    job.save(update_fields=["batch_pdf"])
    return Target({"pk": job.pk}, owner.user, peer.user)


def _type_id(code: str) -> int:
    from certificates.models import CertificateType

    return CertificateType.objects.get(code=code).pk


def build_allowance_month(people) -> Target:
    from certificates.models import AllowanceMonth

    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    run, _ = AllowanceMonth.objects.get_or_create(month=month)
    return Target({"month": f"{month:%Y-%m}"})


# --- quizzes and attempts --------------------------------------------------------------------------


_quiz_numbers = itertools.count(1)


def _quiz(**fields):
    from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz

    return make_quiz(title=f"矩阵测验{next(_quiz_numbers)}", questions=[SAMPLE[0], ESSAY], **fields)


def build_quiz(people) -> Target:
    return Target({"pk": _quiz().pk})


def _attempt(owner, *, submit=False):
    from assessments.services import attempt_start, attempt_submit

    attempt = attempt_start(quiz=_quiz(), worker=owner)
    if submit:
        attempt = attempt_submit(attempt=attempt)
    return attempt


def build_attempt(people) -> Target:
    owner, peer = trainee_pair()
    return Target({"pk": _attempt(owner).pk}, owner.user, peer.user)


def build_api_attempt(people) -> Target:
    owner, peer = trainee_pair()
    return Target({"attempt_id": _attempt(owner).pk}, owner.user, peer.user)


def build_api_answer(people) -> Target:
    """A well-formed autosave, so that only the access decision can refuse it."""
    owner, peer = trainee_pair()
    attempt = _attempt(owner)
    answer = attempt.answers.order_by("pk").first()
    return Target(
        {"attempt_id": attempt.pk, "question_id": answer.version.question_id},
        owner.user,
        peer.user,
        data={"flagged": True},
    )


def build_essay_answer(people) -> Target:
    """A submitted essay waiting for marking. Markers are trainers (subtree) and judges assigned to it."""
    from assessments.models import QuestionType

    owner, peer = trainee_pair()
    attempt = _attempt(owner, submit=True)
    answer = attempt.answers.get(version__qtype=QuestionType.ESSAY)
    return Target({"answer_id": answer.pk}, owner.user, peer.user)


def build_api_quiz(people) -> Target:
    owner, peer = trainee_pair()
    return Target({"quiz_id": _quiz().pk}, owner.user, peer.user)


def build_bank_export(people) -> Target:
    return Target({"pk": _quiz().pk, "fmt": "gift"})


# --- competency ------------------------------------------------------------------------------------


def build_indicator(people) -> Target:
    owner, peer = trainee_pair()
    return Target(
        {"employee_no": owner.employee_no, "period": str(timezone.localdate().year), "code": "3.2"},
        owner.user,
        peer.user,
    )


def build_report(people) -> Target:
    owner, peer = trainee_pair()
    return Target({"employee_no": owner.employee_no, "year": timezone.localdate().year}, owner.user, peer.user)


def build_self_assessment(people) -> Target:
    from assessments.self_assessment import ITEMS
    from assessments.services import self_assessment_submit

    owner, peer = trainee_pair()
    record = self_assessment_submit(worker=owner, answers={str(item.number): 3 for item in ITEMS})
    return Target({"pk": record.pk}, owner.user, peer.user)


def build_observation(people) -> Target:
    from assessments.services import observation_record

    owner, peer = trainee_pair()
    observation = observation_record(
        rater=people["trainer"], worker=owner, ratings={"2.1": 4}, observed_on=timezone.localdate()
    )
    return Target({"pk": observation.pk}, owner.user, peer.user)


def build_survey_pending(people) -> Target:
    """A survey response held for review (rules §7.2): the trainee's subtree staff decide it."""
    from assessments.models import SurveyResponse, SurveyStatus

    owner, peer = trainee_pair()
    response = SurveyResponse.objects.create(
        worker=owner,
        month=timezone.localdate().replace(day=1),
        status=SurveyStatus.HELD,
        answers={},
        device_key="d",
        address_key="a",
    )
    return Target({"pk": response.pk}, owner.user, peer.user)


def build_survey_token(people) -> Target:
    return Target({"token": "not-a-real-token"})


# Objects that need nothing but a decimal amount stay readable above; keep the helpers here.
ZERO = Decimal("0")


def build_allowance_confirm(people) -> Target:
    target = build_allowance_month(people)
    return Target({**target.kwargs, "op": "approve"})


def build_allowance_export(people) -> Target:
    target = build_allowance_month(people)
    return Target({**target.kwargs, "fmt": "csv"})


def build_fmt(people) -> Target:
    return Target({"fmt": "csv"})


# --- mentorship (rules §12) ------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _term(people, *, ended=False):
    """A running term (started 40 days ago) between a new mentor and a new mentee of 一网格,
    arranged by 甲区's trainer; `ended` terminates it today."""
    from assessments.mentorship import services
    from assessments.mentorship.selectors import add_months

    mentor, mentee = worker(GRID, roles.MENTOR, roles.TRAINEE), worker(GRID)
    start = timezone.localdate() - dt.timedelta(days=40)
    term = services.term_create(
        actor=people["trainer"], mentor=mentor, mentee=mentee, start=start, planned_end=add_months(start, 4)
    )
    if ended:
        services.term_end(
            actor=people["trainer"], term=term, on=timezone.localdate(), status="已终止", reason="矩阵测试"
        )
        term.refresh_from_db()
    return term


def _other_mentor():
    return worker(GRID, roles.MENTOR, roles.TRAINEE)


def build_term(people) -> Target:
    """Owner: the term's mentor; peer: another mentor (rules §12: a colleague's term is 404)."""
    term = _term(people)
    return Target({"pk": term.pk}, term.mentor.user, _other_mentor().user)


def build_ended_term_for_mentee(people) -> Target:
    term = _term(people, ended=True)
    return Target({"pk": term.pk}, term.mentee.user, worker(GRID).user)


def _session(people, term, photo=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.mentorship import services

    return services.session_log(
        mentor_user=term.mentor.user,
        mentee=term.mentee,
        date=term.start + dt.timedelta(days=1),
        type="入户走访",
        minutes=45,
        place="幸福小区3栋",
        indicators=["2.1"],
        photo=SimpleUploadedFile("p.png", PNG, content_type="image/png") if photo else None,
    )


def build_session_of_mentor(people) -> Target:
    term = _term(people)
    session = _session(people, term, photo=True)
    return Target({"pk": session.pk}, term.mentor.user, _other_mentor().user)


def build_session_of_mentee(people) -> Target:
    term = _term(people)
    session = _session(people, term)
    return Target({"pk": session.pk}, term.mentee.user, worker(GRID).user)


def build_api_session_of_mentee(people) -> Target:
    target = build_session_of_mentee(people)
    return Target({"session_id": target.kwargs["pk"]}, target.owner, target.peer)


def build_signoff(people) -> Target:
    from assessments.mentorship import services

    term = _term(people)
    signoff = services.signoff_propose(user=term.mentor.user, term=term, assessment="可以独立上岗")
    return Target({"pk": signoff.pk}, term.mentor.user, _other_mentor().user)


# --- courses (rules §4) ----------------------------------------------------------------------------


def _course(slug_seed: str):
    from courses.models import Enrolment
    from tests.courses.helpers import ensure_page_tree, make_course

    ensure_page_tree()
    owner, peer = trainee_pair()
    course = make_course(f"矩阵课程{owner.employee_no}", lessons=1, owner=org(DISTRICT_A))
    Enrolment.objects.create(worker=owner, course=course)
    return course, owner, peer


def build_course(people) -> Target:
    """A course of 甲区 with one enrolled trainee (owner); the peer is not enrolled."""
    course, owner, peer = _course("c")
    return Target({"pk": course.pk}, owner.user, peer.user)


def build_lesson(people) -> Target:
    course, owner, peer = _course("l")
    return Target({"pk": course.lessons()[0].pk}, owner.user, peer.user)


def build_lesson_slug(people) -> Target:
    course, owner, peer = _course("s")
    return Target({"course_slug": course.slug, "lesson_slug": course.lessons()[0].slug}, owner.user, peer.user)


def build_training_session(people) -> Target:
    """A classroom session of 甲区 run by a trainer of 甲区 (owner); the peer is 乙区's trainer."""
    from courses.models import TrainingSession

    owner, peer = worker(DISTRICT_A, roles.TRAINER), worker(DISTRICT_B, roles.TRAINER)
    now = timezone.now()
    session = TrainingSession.objects.create(
        title="矩阵面授",
        owner_unit=org(DISTRICT_A),
        place="会议室",
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=2),
        capacity=30,
        created_by=owner.user,
    )
    return Target({"pk": session.pk}, owner.user, peer.user)


# --- casebank: drills, the search log, compilations (rules §6, §10) --------------------------------

_drill_numbers = itertools.count(1)


def _drill(judges=None):
    from tests.casebank.conftest import ensure_site
    from tests.casebank.helpers import make_drill

    ensure_site()
    return make_drill(judges=judges, slug=f"matrix-drill-{next(_drill_numbers)}")


def build_drill(people) -> Target:
    return Target({"pk": _drill().pk})


def build_drill_run(people) -> Target:
    """A run of a drill in progress: its runner's own (peer: another trainee of the same grid)."""
    from casebank import services

    owner, peer = trainee_pair()
    attempt = services.drill_attempt_start(drill=_drill(), worker=owner)
    return Target({"attempt_id": attempt.pk}, owner.user, peer.user, data={"step": "S1", "choice": "0"})


def build_drill_response(people) -> Target:
    """A written answer waiting for a mark: owner is the judge named on the drill (rules §1: judges see
    the drill answers they are assigned), peer a judge not named on it."""
    from casebank import services

    named, other = worker("测试市", roles.JUDGE), worker("测试市", roles.JUDGE)
    runner = worker(GRID)
    drill = _drill(judges=[named.user])
    attempt = services.drill_attempt_start(drill=drill, worker=runner)
    services.drill_attempt_choose(attempt=attempt, step_key="S1", choice_index=1)
    step = services.drill_attempt_respond(attempt=attempt, step_key="S3", text="先道歉，再协助清理。")
    return Target({"step_id": step.pk}, named.user, other.user)


def _case_and_faq():
    from casebank import services
    from casebank.models import CaseCategory
    from tests.casebank.conftest import ensure_site

    ensure_site()
    services.casebank_defaults_ensure()
    category = CaseCategory.objects.order_by("pk").first()
    case, _ = services.case_publish(
        data=services.CaseData(title="矩阵测试：燃气泄漏疏散", category=category, problem="燃气味道", handling="疏散")
    )
    faq, _ = services.faq_save(question="矩阵测试：闻到燃气味怎么办", answer="开窗通风", category=category)
    return case, faq


def _search_log(user, scope):
    from casebank import services

    return services.search_log_record(user=user, scope=scope, query="燃气", result_count=1)


def build_search_open(people) -> Target:
    """A case search of its searcher (rules §10: only one's own search records an open; peer → 404)."""
    from casebank.models import SearchScope

    owner, peer = trainee_pair()
    case, _ = _case_and_faq()
    log = _search_log(owner.user, SearchScope.CASES)
    return Target({"log_id": log.pk, "case_id": case.pk}, owner.user, peer.user)


def build_faq_helpful(people) -> Target:
    from casebank.models import SearchScope

    owner, peer = trainee_pair()
    _, faq = _case_and_faq()
    log = _search_log(owner.user, SearchScope.FAQS)
    return Target({"log_id": log.pk, "faq_id": faq.pk}, owner.user, peer.user)


def build_api_search_opened(people) -> Target:
    target = build_search_open(people)
    return Target(
        {"search_id": target.kwargs["log_id"]}, target.owner, target.peer, data={"case_id": target.kwargs["case_id"]}
    )


def build_compilation(people) -> Target:
    """A month's 案例汇编 PDF in private storage (docs/operations.md: 案例汇编给登录用户)."""
    from casebank.models import CaseCompilation

    compilation = CaseCompilation(month=timezone.localdate().replace(day=1), case_count=1)
    compilation.file.save("matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    compilation.save()
    return Target({"pk": compilation.pk})


# --- competitions (rules §14) ----------------------------------------------------------------------

_competition_numbers = itertools.count(1)


@dataclass
class Contest:
    competition: Any
    knowledge: Any
    scenario: Any
    contestant: Any  # a worker entered in this competition (一网格)
    outsider: Any  # a contestant of another competition (一网格), not entered here
    chief: Any  # chief judge of panel 1 (甲区, so no recusal), which holds `contestant`
    other_judge: Any  # a judge on panel 2 of the same round, which holds another contestant
    entry: Any


def _contest(*, entry_mode=None) -> Contest:
    """A competition organised by 甲区 (so 甲区's trainer manages it and 乙区's does not), open for entry:
    a knowledge round with its paper, starting in an hour, and a scenario round with two panels."""
    from assessments.competitions import selectors_boards
    from assessments.competitions.models import (
        Competition,
        Entry,
        EntryMode,
        Panel,
        PanelJudge,
        PanelSlot,
        Round,
        RoundKind,
    )
    from assessments.competitions.services import knowledge_round_sync
    from assessments.competitions.services_knowledge import knowledge_papers_forget
    from lms.models import OrgLevel
    from tests.assessments.helpers import make_quiz

    # Boards, access decisions and papers are cached per process by row id: a row's fresh database
    # may reuse the ids of an earlier test's competition and users.
    selectors_boards.caches_clear()
    knowledge_papers_forget()
    n = next(_competition_numbers)
    competition = Competition.objects.create(
        name=f"矩阵比武{n}",
        organiser_unit=org(DISTRICT_A),
        entry_mode=entry_mode or EntryMode.OPEN,
        quota_level=OrgLevel.COMMUNITY,
        entry_closes_at=timezone.now() + dt.timedelta(days=7),
    )
    knowledge = Round.objects.create(
        competition=competition,
        order=1,
        name="知识竞赛",
        kind=RoundKind.KNOWLEDGE,
        weight=Decimal("0.4"),
        max_score=Decimal("100"),
        starts_at=timezone.now() + dt.timedelta(hours=1),
        duration_minutes=30,
        quiz=make_quiz(f"矩阵比武{n}试卷"),
    )
    knowledge_round_sync(round_=knowledge)
    scenario = Round.objects.create(
        competition=competition,
        order=2,
        name="情景模拟",
        kind=RoundKind.SCENARIO,
        weight=Decimal("0.6"),
        max_score=Decimal("30"),
    )
    contestant, second = worker(GRID), worker(GRID)
    entry = Entry.objects.create(competition=competition, worker=contestant)
    second_entry = Entry.objects.create(competition=competition, worker=second)
    chief, other_judge = worker(DISTRICT_A, roles.JUDGE), worker(DISTRICT_A, roles.JUDGE)
    for name, judge, slot in (("第一组", chief, entry), ("第二组", other_judge, second_entry)):
        panel = Panel.objects.create(round=scenario, name=name)
        PanelJudge.objects.create(panel=panel, judge=judge, is_chief=True)
        PanelSlot.objects.create(panel=panel, entry=slot, order=1)
    elsewhere = Competition.objects.create(name=f"矩阵他赛{n}", organiser_unit=org(DISTRICT_A))
    outsider = worker(GRID)
    Entry.objects.create(competition=elsewhere, worker=outsider)
    return Contest(competition, knowledge, scenario, contestant, outsider, chief, other_judge, entry)


def build_competition(people) -> Target:
    """Owner: a contestant; peer: a contestant of another competition of the same organiser."""
    contest = _contest()
    return Target({"pk": contest.competition.pk}, contest.contestant.user, contest.outsider.user)


def build_api_competition(people) -> Target:
    target = build_competition(people)
    return Target({"competition_id": target.kwargs["pk"]}, target.owner, target.peer)


def build_quota_competition(people) -> Target:
    """Entry by unit quota (rules §14.4): 培训管理员 nominate for the communities of their subtree."""
    from assessments.competitions.models import EntryMode

    contest = _contest(entry_mode=EntryMode.QUOTA)
    return Target({"pk": contest.competition.pk}, contest.contestant.user, contest.outsider.user)


def build_award_job(people) -> Target:
    """A confirmed award with its certificate job (rules §14.5): the organisers' progress answer."""
    from assessments.competitions.models import Award, AwardKind
    from certificates.models import IssuanceJob

    contest = _contest()
    job = IssuanceJob.objects.create(
        title="矩阵比武获奖证书",
        org_unit=org(DISTRICT_A),
        certificate_type_id=_type_id("AWARD"),
        issued_on=timezone.localdate(),
        created_by=people["trainer"],
        status=IssuanceJob.Status.DONE,
    )
    Award.objects.create(
        competition=contest.competition,
        entry=contest.entry,
        kind=AwardKind.values[0],
        title="一等奖",
        rank=1,
        confirmed_at=timezone.now(),
        issuance_job=job,
    )
    return Target({"pk": contest.competition.pk, "job_id": job.pk}, contest.contestant.user, contest.outsider.user)


def build_judged_round(people) -> Target:
    """A scenario round. Owner: the chief judge of panel 1; peer: the judge of panel 2 (rules §14.1:
    a judge sees and scores only their own panel)."""
    contest = _contest()
    return Target({"round_id": contest.scenario.pk}, contest.chief.user, contest.other_judge.user)


def build_score_sheet(people) -> Target:
    """A judge's score sheet for a contestant of panel 1: owner its chief judge, peer panel 2's judge."""
    contest = _contest()
    return Target(
        {"round_id": contest.scenario.pk, "entry_id": contest.entry.pk}, contest.chief.user, contest.other_judge.user
    )


def build_paper(people) -> Target:
    """The knowledge round's waiting room (rules §14.7): the contestant's; peer: a contestant of another
    competition."""
    contest = _contest()
    return Target({"round_id": contest.knowledge.pk}, contest.contestant.user, contest.outsider.user)


def big_screen_token(people) -> str:
    return _contest().competition.board_token
