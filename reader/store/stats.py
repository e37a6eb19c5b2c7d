"""Figures about the library for ``reader stats`` and the app's statistics view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reader.models import STATUSES

if TYPE_CHECKING:
    from reader.store.library import Library


@dataclass(frozen=True)
class LibraryStats:
    papers: int
    statuses: dict[str, int]
    ratings: dict[int, int]
    notes: int
    lists: int
    new: int
    weeks: list[str] = field(default_factory=list)  # Monday of each week, oldest first
    added: list[int] = field(default_factory=list)  # papers added that week
    read: list[int] = field(default_factory=list)  # papers marked read that week
    tags: list[tuple[str, int]] = field(default_factory=list)  # most used first

    def as_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "statuses": self.statuses,
            "ratings": {str(stars): count for stars, count in self.ratings.items()},
            "notes": self.notes,
            "lists": self.lists,
            "new": self.new,
            "weeks": [
                {"week": week, "added": added, "read": read}
                for week, added, read in zip(self.weeks, self.added, self.read, strict=True)
            ],
            "tags": [{"name": name, "count": count} for name, count in self.tags],
        }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_counts(rows: list[tuple[str | None]], weeks: list[date]) -> list[int]:
    counts = dict.fromkeys(weeks, 0)
    for (stamp,) in rows:
        if not stamp:
            continue
        try:
            monday = _monday(datetime.strptime(stamp[:10], "%Y-%m-%d").date())
        except ValueError:
            continue
        if monday in counts:
            counts[monday] += 1
    return [counts[week] for week in weeks]


def library_stats(library: Library, *, weeks: int = 12, tags: int = 15) -> LibraryStats:
    db = library.db
    today = _monday(datetime.now(UTC).date())
    mondays = [today - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    since = mondays[0].isoformat()
    statuses = dict.fromkeys(STATUSES, 0)
    statuses.update(db.execute("SELECT status, count(*) FROM papers GROUP BY status"))
    ratings = dict.fromkeys(range(1, 6), 0)
    ratings.update(
        db.execute("SELECT rating, count(*) FROM papers WHERE rating IS NOT NULL GROUP BY rating")
    )
    added = db.execute("SELECT added FROM papers WHERE added >= ?", [since]).fetchall()
    read = db.execute("SELECT read_at FROM papers WHERE read_at >= ?", [since]).fetchall()
    top = sorted(
        ((item.name, item.count) for item in library.tags()), key=lambda pair: (-pair[1], pair[0])
    )[:tags]
    return LibraryStats(
        papers=sum(statuses.values()),
        statuses=statuses,
        ratings=ratings,
        notes=db.execute("SELECT count(*) FROM annotations").fetchone()[0],
        lists=db.execute("SELECT count(*) FROM lists").fetchone()[0],
        new=db.execute(
            "SELECT count(*) FROM papers WHERE triage != 'seen' AND triage = 'new'"
        ).fetchone()[0],
        weeks=[monday.isoformat() for monday in mondays],
        added=_week_counts(added, mondays),
        read=_week_counts(read, mondays),
        tags=top,
    )
