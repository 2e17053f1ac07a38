"""State changes of assessments, one module per sub-domain:

- `competency`: evidence rows and competency model versions;
- `scores`: stored competency scores recomputed from the evidence, per period;
- `bank`: versioned questions, `import_questions`, bank exports;
- `attempts`: start, autosave, submit, automatic grading, overdue attempts;
- `marking`: 简答 marked by hand;
- `results`: a quiz's results file;
- `self_assessment`: the 压力与倦怠自评 questionnaire and its 自评 evidence;
- `metrics`: 业务指标 imported from the grid platform;
- `observations`: mentors' and supervisors' star ratings (观察);
- `surveys`: the resident survey (群众评价) and the review of held answers.
"""

from assessments.scoring import AnswerShapeError
from assessments.services.attempts import (
    AttemptClosed,
    AttemptRefused,
    answer_autosave,
    answer_flag,
    answer_save,
    attempt_create,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    paper_freeze,
    shown_feedback,
    shown_options,
    shown_right_answer,
)
from assessments.services.bank import (
    QuestionImportSummary,
    question_save,
    question_version_current,
    questions_import,
    questions_validate,
    quiz_export_bank,
)
from assessments.services.competency import (
    competency_defaults_ensure,
    competency_model_new_version,
    evidence_record,
    evidence_record_many,
)
from assessments.services.marking import MarkingRefused, answer_mark
from assessments.services.metrics import MetricImportSummary, metric_records_write, metrics_import
from assessments.services.observations import ObservationRefused, observation_record
from assessments.services.results import quiz_results_export
from assessments.services.scores import (
    RecomputeSummary,
    competency_recompute,
    competency_recompute_period,
    competency_recompute_stale,
    period_plan_ensure,
)
from assessments.services.self_assessment import (
    SelfAssessmentRefused,
    self_assessment_score,
    self_assessment_submit,
)
from assessments.services.surveys import (
    SurveyInvalid,
    SurveyReviewRefused,
    survey_response_reject,
    survey_response_release,
    survey_submit,
)

__all__ = [
    "AnswerShapeError",
    "AttemptClosed",
    "AttemptRefused",
    "MarkingRefused",
    "MetricImportSummary",
    "ObservationRefused",
    "QuestionImportSummary",
    "RecomputeSummary",
    "SelfAssessmentRefused",
    "SurveyInvalid",
    "SurveyReviewRefused",
    "answer_autosave",
    "answer_flag",
    "answer_mark",
    "answer_save",
    "attempt_create",
    "attempt_start",
    "attempt_submit",
    "attempts_close_overdue",
    "competency_defaults_ensure",
    "competency_model_new_version",
    "competency_recompute",
    "competency_recompute_period",
    "competency_recompute_stale",
    "evidence_record",
    "evidence_record_many",
    "paper_freeze",
    "metric_records_write",
    "metrics_import",
    "observation_record",
    "period_plan_ensure",
    "question_save",
    "question_version_current",
    "questions_import",
    "questions_validate",
    "quiz_export_bank",
    "quiz_results_export",
    "self_assessment_score",
    "self_assessment_submit",
    "shown_feedback",
    "shown_options",
    "shown_right_answer",
    "survey_response_reject",
    "survey_response_release",
    "survey_submit",
]
