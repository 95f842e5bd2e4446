"""SeenUsers: skip rewriting a user written lately with the same fields."""

from __future__ import annotations

from bot.services.seen_users import SeenUsers

ANN = ("ann", "Ann", "en")


def test_a_new_user_needs_a_write_then_not_until_the_refresh():
    now = [0.0]
    seen = SeenUsers(refresh_seconds=60, clock=lambda: now[0])
    assert seen.needs_write(1, ANN)
    seen.written(1, ANN)
    now[0] = 59
    assert not seen.needs_write(1, ANN)
    now[0] = 61
    assert seen.needs_write(1, ANN)


def test_changed_fields_need_a_write():
    seen = SeenUsers()
    seen.written(1, ANN)
    assert seen.needs_write(1, ("ann", "Ann", "ru"))
    assert seen.needs_write(1, ("ann_new", "Ann", "en"))
    assert not seen.needs_write(1, ANN)


def test_the_oldest_users_are_forgotten_beyond_the_size():
    seen = SeenUsers(size=2)
    for user_id in (1, 2, 3):
        seen.written(user_id, ANN)
    assert seen.needs_write(1, ANN)
    assert not seen.needs_write(3, ANN)
