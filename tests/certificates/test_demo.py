"""The demo's certificates and allowances agree with the rules the product enforces: a 结业证书 only
for a course its holder completed, dated after joining and after completion; no allowance for a
month before the holder joined; awards and corrections only where the data supports them."""

import io

import pytest
from django.utils import timezone

from certificates import demo as certificates_demo
from certificates.models import AllowanceLine, AllowanceMonth, Certificate, Incentive
from courses import demo as courses_demo
from courses.models import Enrolment
from lms import demo as lms_demo
from lms.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(media, private_media):
    lms_demo.load(io.StringIO())
    certificates_demo.load(io.StringIO())
    before_courses = Certificate.objects.filter(source=Certificate.Source.PLATFORM).count()
    courses_demo.load(io.StringIO())
    return before_courses


def test_every_completion_certificate_follows_a_completed_enrolment_after_joining(loaded):
    assert loaded == 0  # the certificates demo itself issues no platform certificate by fiat
    completions = list(Certificate.objects.filter(certificate_type__code="COURSE").select_related("worker"))
    assert completions, "the courses demo completes some courses"
    for certificate in completions:
        worker = certificate.worker
        assert worker.hire_date is not None and worker.hire_date <= certificate.issued_on, certificate.serial_no
        assert Enrolment.objects.filter(
            worker=worker,
            course__title=certificate.source_label,
            course__issues_certificate=True,
            completed_on__isnull=False,
            completed_on__lte=certificate.issued_on,
        ).exists(), (worker.employee_no, certificate.source_label)
    # wg0002, a newcomer part-way through onboarding, holds no 结业证书.
    wg2 = Worker.objects.get(employee_no="wg0002")
    assert not Enrolment.objects.filter(
        worker=wg2, completed_on__isnull=False, course__issues_certificate=True
    ).exists()
    assert not Certificate.objects.filter(worker=wg2, certificate_type__code="COURSE").exists()


def test_allowances_and_awards_of_the_demo_fit_the_people(loaded):
    for line in AllowanceLine.objects.select_related("worker", "run"):
        hired = line.worker.hire_date
        assert hired is None or hired <= line.run.month, (line.worker.employee_no, line.run.key)
    for incentive in Incentive.objects.select_related("worker"):
        assert incentive.worker.hire_date <= incentive.month, incentive.reason
        if incentive.kind == Incentive.Kind.ANNUAL_EXCELLENT:
            assert incentive.worker.hire_date.year < incentive.month.year, incentive.worker.employee_no
    adjustment = AllowanceMonth.objects.get(adjustments__isnull=False).adjustments.get()
    assert adjustment.worker.certificates.filter(certificate_type__code="PSY").exists()
    corrected = adjustment.corrects
    assert corrected.is_approved and not corrected.lines.filter(worker=adjustment.worker).exists()
    # Every month up to the one before last is approved; last month waits; this month is not computed.
    this_month = timezone.localdate().replace(day=1)
    months = list(AllowanceMonth.objects.order_by("month"))
    assert not any(m.month >= this_month for m in months)
    assert [m.is_approved for m in months] == [True] * (len(months) - 1) + [False]
