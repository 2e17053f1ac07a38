"""The default competency model: 5 primary and 18 secondary indicators (docs/rules.md, "能力素质模型").

Plain data shared by the data migration that ships it and by `competency_defaults_ensure`."""

# code, primary indicator, secondary indicator, what it means, evidence (assessment methods)
DEFAULT_INDICATORS = [
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

# Indicator ids are derived from the code in this namespace, so every installation gives the
# shipped indicators the same UUIDs (a framework export names them the same way everywhere).
INDICATOR_UUID_NAMESPACE = "8d5f2c1e-6a0b-4f3e-9c47-1b2a3d4e5f60"

# The default assessment plan (docs/rules.md, "能力评分"): per indicator, weight in % per source,
# in the order 测试, 演练, 观察, 群众评价, 自评, 业务指标. Every source uses 衰减平均 (a = 0.65)
# except 群众评价, which uses 平均 and counts only with at least 5 responses in the period.
DEFAULT_PLAN_SOURCES = ("测试", "演练", "观察", "群众评价", "自评", "业务指标")
DEFAULT_PLAN = {
    "1.1": (60, 0, 0, 0, 0, 40),
    "1.2": (50, 0, 0, 50, 0, 0),
    "1.3": (50, 20, 0, 0, 0, 30),
    "1.4": (0, 0, 0, 50, 0, 50),
    "2.1": (0, 0, 50, 50, 0, 0),
    "2.2": (0, 0, 0, 0, 0, 100),
    "2.3": (0, 40, 20, 0, 0, 40),
    "2.4": (0, 0, 40, 0, 0, 60),
    "3.1": (0, 30, 0, 0, 0, 70),
    "3.2": (40, 60, 0, 0, 0, 0),
    "3.3": (0, 0, 0, 40, 0, 60),
    "3.4": (0, 0, 30, 0, 0, 70),
    "4.1": (0, 0, 0, 0, 0, 100),
    "4.2": (0, 0, 50, 0, 0, 50),
    "4.3": (30, 0, 0, 0, 0, 70),
    "4.4": (50, 0, 0, 0, 0, 50),
    "5.1": (0, 0, 30, 0, 70, 0),
    "5.2": (0, 0, 40, 40, 20, 0),
}


def default_plan_entries() -> list[dict]:
    """The default plan as rows: indicator_code, source, weight, method, decay, min_count."""
    rows = []
    for code, weights in DEFAULT_PLAN.items():
        for source, weight in zip(DEFAULT_PLAN_SOURCES, weights, strict=True):
            if weight:
                survey = source == "群众评价"
                rows.append(
                    {
                        "indicator_code": code,
                        "source": source,
                        "weight": weight,
                        "method": "平均" if survey else "衰减平均",
                        "decay": "0.65",
                        "min_count": 5 if survey else 1,
                    }
                )
    return rows


def indicator_uuid(code: str):
    import uuid

    return uuid.uuid5(uuid.UUID(INDICATOR_UUID_NAMESPACE), f"grid-academy/indicator/{code}")
