"""Pages of assessments, one module per area: `quizzes` (taking, results, marking)."""
