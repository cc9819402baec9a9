"""End to end in a real browser: the team lead's roster, a swap between two agents approved by
the lead, leave approved by HR, and the language switch. Screenshots of each role's main page
are saved under test-artifacts/screenshots/."""

import datetime
from typing import Any

import pytest

from scheduler.models.rosters import Assignment, Roster, RosterStatus
from scheduler.models.selfservice import SwapRequest, SwapStatus
from staffing.models import LeaveRequest
from staffing.models.leave import LeaveStatus
from staffing.workdays import is_working_day
from tests.scheduler.selfservice.conftest import day_of, live, publish_week, works

from .conftest import screenshot

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]
PASSWORD = "pw-for-tests-123"


def login(context: Any, username: str) -> Any:
    context.clear_cookies()
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return page


def test_a_team_lead_generates_edits_and_publishes_a_roster(browser_context, center):
    # given: a unit with demand and no roster yet
    page = login(browser_context, center.lead.username)
    # when: the lead generates a one-week roster
    page.goto("/scheduler/rosters/")
    page.get_by_label("First day (a Monday)").fill(center.monday.isoformat())
    page.get_by_label("Weeks").fill("1")
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("link", name="Review the draft").click()
    # then: the board shows every agent, and a cell can be changed
    assert page.locator("tr[id^=agent-]").count() == len(center.agents)
    draft = Roster.objects.get(status=RosterStatus.DRAFT)
    screenshot(page, "team-lead-board")
    agent = center.agents[3]
    cell = Assignment.objects.filter(roster=draft, agent=agent, template__isnull=False).first()
    row = page.locator(f"#agent-{agent.pk}")
    row.locator(f"button[data-day='{cell.day.isoformat()}']").click()
    form = page.locator("#cell-form")
    assert form.get_by_label("Agent").input_value() == str(agent.pk)
    form.get_by_label("Shift").select_option("")  # a day off
    form.get_by_role("button", name="Set").click()
    message = page.locator(".messages li").first.inner_text()
    assert "Saved and locked" in message or "Refused" in message
    # and publish
    page.get_by_role("button", name="Publish this draft").click()
    assert "is published" in page.locator(".messages li").first.inner_text()
    assert Roster.objects.get(pk=draft.pk).status == RosterStatus.PUBLISHED


def test_an_agent_swaps_a_colleague_accepts_and_the_lead_approves(browser_context, center):
    publish_week(center)
    a, b = center.agents[4], center.agents[5]
    monday = day_of(center, 0)
    mine, theirs = live(a, monday), live(b, monday)
    # when: agent 4 offers their Monday early shift for agent 5's day shift
    page = login(browser_context, a.user.username)
    page.goto(f"/scheduler/me/?start={monday.isoformat()}")
    screenshot(page, "agent-schedule")
    page.locator(f"a[href='/scheduler/me/shifts/{mine.pk}/']").first.click()
    candidate = page.locator("tr", has_text=b.full_name).filter(has_text="Swap for their shift")
    candidate.get_by_role("button", name="Propose swap").click()
    assert "Proposal sent" in page.locator(".messages li").first.inner_text()
    # the colleague accepts
    page = login(browser_context, b.user.username)
    page.goto("/scheduler/me/requests/")
    page.get_by_role("button", name="Accept").click()
    # the lead approves
    page = login(browser_context, center.lead.username)
    page.goto("/scheduler/approvals/")
    screenshot(page, "team-lead-approvals")
    page.get_by_role("button", name="Approve").first.click()
    assert SwapRequest.objects.get().status == SwapStatus.APPROVED
    # then: both agents see the other's former times on their schedule
    for agent, expected in ((a, theirs), (b, mine)):
        page = login(browser_context, agent.user.username)
        page.goto(f"/scheduler/me/?start={monday.isoformat()}")
        row = page.locator("tr", has_text=monday.strftime("%a %-d %b"))
        start = expected.start_at.astimezone(datetime.UTC).astimezone(
            __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
        )
        assert start.strftime("%H:%M") in row.inner_text()


def test_an_agent_requests_leave_and_hr_approves_it(browser_context, center):
    publish_week(center)
    index = 6
    agent = center.agents[index]
    offset = next(o for o in range(7) if works(index, o) and is_working_day(day_of(center, o)))
    day = day_of(center, offset).isoformat()
    page = login(browser_context, agent.user.username)
    page.goto("/scheduler/me/requests/")
    page.get_by_label("Leave type").select_option(label="Personal leave (unpaid)")
    page.get_by_label("First day").fill(day)
    page.get_by_label("Last day").fill(day)
    page.get_by_role("button", name="Send request").click()
    assert "Leave request sent" in page.locator(".messages li").first.inner_text()
    request = LeaveRequest.objects.get(agent=agent)
    # HR approves from the approvals queue, with the staffing figures shown
    page = login(browser_context, center.hr.username)
    page.goto("/scheduler/approvals/")
    screenshot(page, "hr-approvals")
    section = page.locator("section", has_text=agent.full_name)
    section.get_by_role("button", name="Approve").click()
    request.refresh_from_db()
    assert request.status == LeaveStatus.APPROVED
    assert live(agent, day_of(center, offset)).activity == "leave"


def test_the_language_switch_turns_the_schedule_into_chinese(browser_context, center):
    publish_week(center)
    agent = center.agents[4]
    page = login(browser_context, agent.user.username)
    page.goto("/scheduler/me/")
    assert page.get_by_role("heading", name="My schedule").count() == 1
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.get_by_role("heading", name="我的排班").count() == 1
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "agent-schedule-zh")


def test_the_agent_pages_fit_a_phone_screen(browser_context, center):
    publish_week(center)
    agent = center.agents[4]
    page = login(browser_context, agent.user.username)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/scheduler/me/", "/scheduler/me/requests/", "/scheduler/me/open-shifts/"):
        page.goto(path)
        # nothing wider than the screen but the tables' own scroll boxes
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
        assert page.get_by_role("link", name="My schedule").is_visible()
    page.goto("/scheduler/me/")
    screenshot(page, "agent-schedule-phone")
