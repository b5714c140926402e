"""The outbox relay's progress: ids missing below the newest published are read again."""

from __future__ import annotations

from relais_shared.progress import Progress


def test_ids_skipped_by_a_late_commit_are_read_again_until_they_come():
    progress = Progress(ttl=10.0)
    progress.read([1, 2, 3], now=0.0)
    # a transaction holding 4-6 commits after the one holding 7-8
    progress.read([7, 8], now=1.0)
    assert progress.newest == 8
    assert sorted(progress.missing(now=1.5)) == [4, 5, 6]
    progress.read([4, 5, 6, 9], now=2.0)
    assert progress.missing(now=2.5) == []
    assert progress.newest == 9


def test_ids_that_never_come_are_forgotten_after_the_ttl():
    progress = Progress(ttl=10.0)
    progress.read([1], now=0.0)
    progress.read([3], now=1.0)  # 2 was rolled back
    assert progress.missing(now=5.0) == [2]
    assert progress.missing(now=11.5) == []


def test_a_run_of_missing_ids_too_long_to_track_is_left_to_the_full_scan():
    progress = Progress(ttl=10.0, newest=5_000)  # the newest committed id at start
    progress.read([5_002], now=0.0)
    assert progress.missing(now=0.0) == [5_001]
    progress.read([5_003 + Progress.MAX_RUN + 1], now=1.0)  # after a large rollback
    assert progress.missing(now=1.0) == [5_001]


def test_a_full_scan_reading_older_rows_does_not_move_the_newest_back():
    progress = Progress(ttl=10.0, newest=9)
    progress.read([10, 12], now=0.0)
    progress.read([11], now=1.0)  # found by a full scan
    assert progress.newest == 12
    assert progress.missing(now=1.0) == []
