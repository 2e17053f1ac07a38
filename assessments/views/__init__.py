"""Pages of assessments, one module per area: `quizzes` (taking, results, marking), `self_metrics`
(压力与倦怠自评, its answers for HR, the 业务指标 import)."""
