"""Navigation history (core/history.py): back and forward through jumps, like a browser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from catalog_tui.core.history import History, Place
from catalog_tui.core.search import FacetFilter

PLACES = st.builds(
    Place,
    st.sampled_from(["all", "campaigns", "genres", "channels", "policies"]),
    st.sampled_from(["", "苏东坡", "type:documentary"]),
    st.sampled_from([(), (FacetFilter("type", "micro-drama"),), (FacetFilter("year", "2024", True),)]),
    st.sampled_from([None, "a", "b"]),
    st.integers(0, 3),
    st.sampled_from([None, "travel"]),
)
# An operation: ("visit", place left), ("back", place here) or ("forward", place here).
OPERATIONS = st.lists(st.tuples(st.sampled_from(["visit", "back", "forward"]), PLACES), max_size=30)


def replay(history: History, operations: list[tuple[str, Place]]) -> None:
    for name, place in operations:
        if name == "visit":
            history.visit(place)
        elif name == "back":
            history.back(place)
        else:
            history.forward(place)


def test_back_returns_the_place_left_and_forward_the_place_gone_back_from() -> None:
    history = History()
    a, b, c = Place("all", record="a"), Place("campaigns", group="travel"), Place("all", query="x")
    assert history.back(a) is None and not history.can_go_back
    history.visit(a)  # a jump from a to b
    history.visit(b)  # a jump from b to c
    assert history.back(c) == b
    assert history.back(b) == a
    assert history.back(a) is None
    assert history.forward(a) == b
    assert history.forward(b) == c
    assert history.forward(c) is None and not history.can_go_forward


def test_a_new_jump_forgets_the_way_forward() -> None:
    history = History()
    a, b, c = Place("all", record="a"), Place("genres", group="documentary"), Place("channels")
    history.visit(a)
    assert history.back(b) == a
    assert history.can_go_forward
    history.visit(a)  # from a somewhere else (to c)
    assert not history.can_go_forward
    assert history.forward(c) is None
    assert history.back(c) == a


def test_the_history_keeps_a_bounded_number_of_places() -> None:
    history = History(limit=3)
    for n in range(10):
        history.visit(Place("all", row=n))
    here = Place("all", row=99)
    walked = []
    while (place := history.back(here)) is not None:
        walked.append(place.row)
        here = place
    assert walked == [9, 8, 7]


@given(OPERATIONS, PLACES)
def test_back_then_forward_returns_to_the_same_place(
    operations: list[tuple[str, Place]], here: Place
) -> None:
    history = History()
    replay(history, operations)
    gone_to = history.back(here)
    if gone_to is None:
        assert not history.can_go_back
        return
    assert history.forward(gone_to) == here


@given(OPERATIONS, PLACES)
def test_forward_then_back_returns_to_the_same_place(
    operations: list[tuple[str, Place]], here: Place
) -> None:
    history = History()
    replay(history, operations)
    gone_to = history.forward(here)
    if gone_to is not None:
        assert history.back(gone_to) == here


@given(OPERATIONS, PLACES)
def test_after_a_jump_there_is_no_way_forward(operations: list[tuple[str, Place]], left: Place) -> None:
    history = History()
    replay(history, operations)
    history.visit(left)
    assert not history.can_go_forward
    assert history.back(Place("all", query="elsewhere")) == left


@given(st.lists(PLACES, min_size=1, max_size=20))
def test_back_walks_the_jumps_in_reverse(lefts: list[Place]) -> None:
    history = History()
    for place in lefts:
        history.visit(place)
    here, walked = Place("stats"), []
    while (place := history.back(here)) is not None:
        walked.append(place)
        here = place
    # Consecutive duplicates collapse: one press per distinct place.
    expected = [p for i, p in enumerate(lefts) if i == 0 or p != lefts[i - 1]]
    assert walked == expected[::-1]
