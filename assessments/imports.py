"""The 题目 and 业务指标 import pages (lms.imports): the same services as `import_questions` and
`import_metrics`."""

from __future__ import annotations

from pathlib import Path

from lms import roles
from lms.importing import ImportRejected, read_rows
from lms.imports import ImportContext, register_import

QUESTIONS = "assessments.questions"
METRICS = "assessments.metrics"


def may_import_questions(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles.has_role(user, roles.TRAINER)


def managed_quiz_choices(user) -> list[tuple[int, str]]:
    from assessments.selectors import quizzes_managed_by

    return list(quizzes_managed_by(user).values_list("pk", "title"))


def managed_quiz(user, pk):
    from assessments.selectors import quizzes_managed_by

    return quizzes_managed_by(user).filter(pk=pk).first()


def read_questions(path: Path):
    from assessments.bank_io import question_row, read_bank

    records, errors = read_bank(path)
    if errors:
        raise ImportRejected(errors)
    return [question_row(record) for record in records]


def apply_questions(context: ImportContext):
    from assessments.services import questions_import

    return questions_import(path=context.path, quiz_title=context.target.title, actor=context.user)


def apply_metrics(context: ImportContext):
    from assessments.services import metrics_import
    from assessments.services.metrics import REQUIRED_COLUMNS

    return metrics_import(rows=read_rows(context.path, required=REQUIRED_COLUMNS), viewer=context.user)


def register() -> None:
    from assessments.bank_io import BANK_READERS, COLUMNS
    from assessments.selectors import may_import_metrics
    from assessments.services.metrics import REQUIRED_COLUMNS

    register_import(
        QUESTIONS,
        label="题目",
        columns=COLUMNS,
        example=(
            "单选",
            "居民反映楼道堆物影响通行，网格员首先应当？",
            "直接清理",
            "上门了解情况并劝导",
            "报警",
            "不予理会",
            "",
            "",
            "B",
            "先了解情况、做好劝导，必要时再上报。",
            "2",
            "",
            "易",
            "日常巡查",
        ),
        formats=tuple(BANK_READERS),
        read=read_questions,
        apply=apply_questions,
        may_start=may_import_questions,
        targets=managed_quiz_choices,
        target=managed_quiz,
        target_label="测验",
        homes=("trainer",),
        notes=(
            "题型：单选 / 多选 / 判断 / 填空 / 简答；选择题从选项A起连续填写，至少两个。",
            "答案：单选 B；多选 ACD；判断 对/错；填空每空用“;”分隔；简答填参考答案。分值必填。",
            "按“题型 + 题干”对应测验中已有的题：改了内容的题更新，文件里没有的题移出该测验（题库保留）。",
            "也可以上传 GIFT（Moodle）格式的 .gift 文件。",
            "也可以上传 Moodle XML（.xml，题库默认导出格式，含题干图片）和 Aiken（.txt，仅单选题）文件；"
            "匹配、数值、完形填空等本系统没有的题型会逐题指出，整份文件不导入。",
        ),
    )
    register_import(
        METRICS,
        label="业务指标",
        columns=tuple(REQUIRED_COLUMNS),
        required=tuple(REQUIRED_COLUMNS),
        example=("GW0001", "2.2", "85", "2026-11-30", "网格平台"),
        apply=apply_metrics,
        may_start=may_import_metrics,
        homes=("hr", "trainer"),
        notes=(
            "工号须是您管理范围内的人员；指标代码为二级指标编码，如 2.2、3.3。",
            "数值 0–100，最多两位小数；日期不能晚于今天；来源写数据来自哪个系统，如 网格平台。",
            "工号、指标代码、日期、来源都相同的视为同一条：数值相同则不变，不同则更新。",
        ),
    )
