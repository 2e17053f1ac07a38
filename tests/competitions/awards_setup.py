"""Shared steps of the publication, awards and history tests: score the `contest` fixture's two
rounds (paper totals from the three judges without conflicts, knowledge results as graded) and close them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from assessments.competitions import services, services_awards
from assessments.competitions.models import RoundResult

# scenario totals (max 30) and knowledge (percent, seconds) per contestant XS001…XS006
SCENARIO = [27, 24, 24, 18, 12, 0]
KNOWLEDGE = [(90, 600), (80, 700), (80, 700), (70, 800), (60, 900), (0, 1200)]


def score(contest, scenario=SCENARIO, knowledge=KNOWLEDGE) -> None:
    for entry, total in zip(contest["entries"], scenario, strict=True):
        for judge in contest["judges"][:3]:
            services.judge_score_save(round_=contest["scenario"], entry=entry, judge=judge, total=total)
    for entry, (percent, seconds) in zip(contest["entries"], knowledge, strict=True):
        RoundResult.objects.update_or_create(
            round=contest["knowledge"],
            entry=entry,
            defaults={"score": D(percent), "percent": D(percent), "seconds": seconds},
        )


def close(contest) -> None:
    trainer = contest["trainer"].user
    services.round_close(round_=contest["scenario"], actor=trainer)
    later = contest["knowledge"].ends_at + dt.timedelta(minutes=1)
    services.round_close(round_=contest["knowledge"], actor=trainer, now=later)
    for key in ("scenario", "knowledge"):
        contest[key].refresh_from_db()


def publish_all(contest) -> None:
    for key in ("knowledge", "scenario"):
        services_awards.round_publish(round_=contest[key], actor=contest["trainer"].user)
        contest[key].refresh_from_db()
