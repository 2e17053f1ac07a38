from django.apps import AppConfig


class CasebankConfig(AppConfig):
    name = "casebank"
    verbose_name = "案例库与情景模拟"
