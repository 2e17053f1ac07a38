"""Ship the default competency model (DESIGN.md: 5 primary × 18 secondary indicators) as version 1,
and register the beat task that closes attempts past their deadline (every minute)."""

from django.db import migrations

INDICATORS = [
    ("1.1", "政策理解能力", "政策学习主动性", "主动学习新出台的政策，掌握核心要点", "学习记录、知识测试"),
    ("1.2", "政策理解能力", "政策解读准确性", "能向群众讲清政策内容和办理流程", "群众满意度调查、模拟问答"),
    ("1.3", "政策理解能力", "职责边界把握", "按职责清单履职，不做负面清单上的事", "案例分析测试、职责清单抽查"),
    ("1.4", "政策理解能力", "政策宣传实效", "网格内居民知晓现行政策", "宣传记录、政策知晓率调查"),
    ("2.1", "沟通协调能力", "群众沟通技巧", "会倾听、会解释，能与群众建立信任", "入户观察、群众评价"),
    ("2.2", "沟通协调能力", "部门协调效率", "能推动职能部门解决问题", "问题解决时效、部门反馈"),
    ("2.3", "沟通协调能力", "矛盾调解能力", "能化解邻里和家庭纠纷", "调解成功率、案例复盘"),
    ("2.4", "沟通协调能力", "资源整合能力", "能动员志愿者和专业人才参与", "志愿者及专业人才联动记录"),
    ("3.1", "问题处置能力", "问题发现敏锐度", "及早发现问题和风险隐患", "问题上报数量和质量"),
    ("3.2", "问题处置能力", "应急处置规范性", "按流程处置突发事件，避免次生灾害", "应急演练考核、案例复盘"),
    ("3.3", "问题处置能力", "闭环办结时效", "在响应和办结时限内闭环办结", "按时办结率、群众评价"),
    ("3.4", "问题处置能力", "精准服务落实", "落实红黄绿分类走访计划", "走访计划完成率"),
    ("4.1", "信息管理能力", "信息采集准确性", "采集的信息真实、完整、及时", "信息抽查准确率"),
    ("4.2", "信息管理能力", "数据分析应用能力", "能用数据发现规律、辅助决策", "数据分析报告质量"),
    ("4.3", "信息管理能力", "底数掌握程度", "掌握网格内特殊人群底数", "特殊人群台账抽查"),
    ("4.4", "信息管理能力", "数字工具应用", "熟练使用网格平台和移动终端", "平台操作测试、线上学习时长"),
    ("5.1", "心理调适能力", "压力应对能力", "能应对工作压力，保持积极心态", "心理测评、访谈评估"),
    ("5.2", "心理调适能力", "情绪管理能力", "面对群众抱怨保持冷静和耐心", "现场观察、群众反馈"),
]


def create_defaults(apps, schema_editor):
    CompetencyModel = apps.get_model("assessments", "CompetencyModel")
    Indicator = apps.get_model("assessments", "Indicator")
    if not CompetencyModel.objects.exists():
        model = CompetencyModel.objects.create(
            version=1, name="网格员能力素质模型", is_active=True, note="初始版本：5 个一级指标、18 个二级指标"
        )
        for order, (code, primary, name, description, methods) in enumerate(INDICATORS, start=1):
            Indicator.objects.create(
                model=model, code=code, primary_name=primary, name=name, description=description,
                evidence_methods=methods, order=order,
            )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name="测验：超时作答自动交卷",
        defaults={"task": "assessments.attempts_close_overdue", "interval": every_minute, "enabled": True},
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="测验：超时作答自动交卷").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
