"""Problems found in a question file, reported per question (docs/rules.md §11).

Table files (CSV/XLSX) report `第N行: 原因` like every import. GIFT, Moodle XML and Aiken files hold
questions, not rows, so their problems read `第N题（名称，第L行）：原因` — the question's number in the
file, its name when it has one, and the line of the file where it starts — so a trainer can find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.importing import RowErrors


@dataclass
class QuestionErrors(RowErrors):
    """RowErrors keyed by question number; `locate` says where question N sits in the file."""

    places: dict[int, tuple[str, int | None]] = field(default_factory=dict)

    def locate(self, number: int, *, name: str = "", line: int | None = None) -> None:
        self.places[number] = (name, line)

    def label(self, number: int) -> str:
        name, line = self.places.get(number, ("", None))
        parts = [part for part in (name, f"第{line}行" if line else "") if part]
        return f"第{number}题（{'，'.join(parts)}）" if parts else f"第{number}题"

    def lines(self) -> list[str]:
        return [f"{self.label(n)}：{reason}" for n, reason in sorted(self.messages, key=lambda item: item[0])]
