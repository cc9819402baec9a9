"""Reading Curtois & Qu instance files (tiny instances written inline, not the shared files)."""

import pytest

from scheduler.solver.curtois.parser import (
    CoverRequirement,
    InstanceFormatError,
    ShiftRequest,
    parse_instance,
    parse_instance_text,
)

TINY_INSTANCE_TEXT = """\
# A week, three employees, an early and a late shift.
SECTION_HORIZON
# The horizon length in days:
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
E,480,
L,480,E

SECTION_STAFF
# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts,
# MinConsecutiveDaysOff, MaxWeekends
A,E=7|L=7,2400,960,4,2,2,1
B,E=0|L=7,2400,960,4,2,2,1
C,E=5|L=2,2400,960,4,1,1,2

SECTION_DAYS_OFF
# EmployeeID, DayIndexes (start at zero)
A,3
C,0,6

SECTION_SHIFT_ON_REQUESTS
# EmployeeID, Day, ShiftID, Weight
A,0,E,2
B,1,L,3

SECTION_SHIFT_OFF_REQUESTS
# EmployeeID, Day, ShiftID, Weight
A,1,L,1

SECTION_COVER
# Day, ShiftID, Requirement, Weight for under, Weight for over
0,E,1,100,1
0,L,1,100,1
1,E,1,100,1
1,L,1,100,1
2,E,1,100,1
2,L,1,100,1
3,E,1,100,1
3,L,1,100,1
4,E,1,100,1
4,L,1,100,1
5,E,1,100,1
5,L,1,100,1
6,E,1,100,1
6,L,1,100,1
"""


def test_parse_reads_every_section():
    # when
    instance = parse_instance_text(TINY_INSTANCE_TEXT, name="Tiny")

    # then
    assert instance.name == "Tiny"
    assert instance.horizon_days == 7
    assert instance.shift_ids == ("E", "L")
    assert instance.shift("E").forbidden_next == frozenset()
    assert instance.shift("L").forbidden_next == frozenset({"E"})
    assert instance.shift("L").length_minutes == 480
    a, b, c = instance.employees
    assert a.employee_id == "A"
    assert a.max_shifts == {"E": 7, "L": 7}
    assert (a.max_total_minutes, a.min_total_minutes) == (2400, 960)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (4, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert a.days_off == frozenset({3})
    assert b.max_shifts_of("E", 7) == 0
    assert b.days_off == frozenset()
    assert c.days_off == frozenset({0, 6})
    assert instance.shift_on_requests == (
        ShiftRequest("A", 0, "E", 2),
        ShiftRequest("B", 1, "L", 3),
    )
    assert instance.shift_off_requests == (ShiftRequest("A", 1, "L", 1),)
    assert len(instance.cover) == 14
    assert instance.cover[1] == CoverRequirement(0, "L", 1, 100, 1)
    assert instance.weekends == ((5, 6),)


def test_parse_instance_names_it_after_the_file(tmp_path):
    # given
    path = tmp_path / "Instance99.txt"
    path.write_text(TINY_INSTANCE_TEXT)

    # when
    instance = parse_instance(path)

    # then
    assert instance.name == "Instance99"
    assert len(instance.employees) == 3


def test_weekends_cut_by_the_horizon_keep_their_inside_days():
    # given
    text = TINY_INSTANCE_TEXT.replace("SECTION_HORIZON\n# The horizon length in days:\n7", "")
    text = "SECTION_HORIZON\n13\n" + text

    # when
    instance = parse_instance_text(text)

    # then
    assert instance.weekends == ((5, 6), (12,))


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("E,480,\nL,480,E", "E,480,\nL,480,X"),
        ("A,0,E,2", "A,0,N,2"),
        ("A,E=7|L=7,2400", "A,E=7|L=seven,2400"),
        ("0,E,1,100,1", "0,Q,1,100,1"),
    ],
)
def test_parse_rejects_unknown_ids_and_bad_numbers(broken, message):
    # given
    text = TINY_INSTANCE_TEXT.replace(broken, message)

    # when / then
    with pytest.raises(InstanceFormatError):
        parse_instance_text(text)
