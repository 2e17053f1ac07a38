"""Pages of assessments, one module per area: `quizzes` (taking, results, marking), `competency`
(能力画像, 能力分析, the score export and the annual report PDF)."""
