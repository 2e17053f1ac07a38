"""Pages of assessments, one module per area: `quizzes` (taking, results, marking), `competency`
(能力画像, 能力分析, the score export and the annual report PDF), `observations` (观察 ratings),
`surveys` (the public resident survey, QR cards, held answers), `self_metrics` (压力与倦怠自评,
its answers for HR, the 业务指标 import)."""
