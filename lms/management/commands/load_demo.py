from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from lms import demo

# Each app may ship `<app>/demo.py` with `load(stdout)`; they run in this order after the core —
# courses after assessments and casebank, since its lessons point at quizzes and cases; mentorship
# after certificates, since it ranks mentors by their certificates; competitions last, since its papers
# draw from the assessments' question bank and its award certificates would change that ranking.
DEMO_APPS = ("assessments", "certificates", "casebank", "courses", "assessments.mentorship", "assessments.competitions")


class Command(BaseCommand):
    help = "载入演示数据（临江市：2区4街道8社区40网格，约200名网格员及各角色账号）。可重复运行。"

    def handle(self, *args, **options):
        with transaction.atomic():
            demo.load(self.stdout)
            for app in DEMO_APPS:
                if find_spec(f"{app}.demo") is not None:
                    import_module(f"{app}.demo").load(self.stdout)
            # Two years of competency evidence: last, since it uses the drills and quizzes loaded above.
            import_module("assessments.demo_evidence").load(self.stdout)
        accounts = demo.demo_accounts()
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for employee_no, name, label in accounts:
            self.stdout.write(f"  {employee_no:<8} {name:<6} {label}")
        self.stdout.write("其余网格员（wg0003 起）首次登录密码为身份证号后6位。")
