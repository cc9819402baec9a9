from django.urls import path

from . import agent, lead, pages

app_name = "scheduler"

urlpatterns = [
    path("", pages.queue_list, name="queue-list"),
    path("queues/<int:pk>/", pages.queue_day, name="queue-day"),
    path("queues/<int:pk>/forecast/", pages.queue_forecast, name="queue-forecast"),
    path("queues/<int:pk>/adjust/", pages.queue_adjust, name="queue-adjust"),
    # agents
    path("me/", agent.my_schedule, name="my-schedule"),
    path("me/shifts/<int:pk>/", agent.shift_swap, name="shift-swap"),
    path("me/shifts/<int:pk>/propose/", agent.swap_propose, name="swap-propose"),
    path("me/shifts/<int:pk>/give-away/", agent.give_away, name="give-away"),
    path(
        "me/swaps/<int:pk>/<str:action>/",
        agent.swap_answer,
        name="swap-answer",
    ),
    path("me/requests/", agent.my_requests, name="my-requests"),
    path("me/leave/", agent.leave_request, name="leave-request"),
    path("me/leave/preview/", agent.leave_preview, name="leave-preview"),
    path("me/open-shifts/", agent.my_open_shifts, name="my-open-shifts"),
    path("me/open-shifts/<int:pk>/claim/", agent.open_shift_claim, name="open-shift-claim"),
    path(
        "me/open-shifts/<int:pk>/withdraw/", agent.open_shift_withdraw, name="open-shift-withdraw"
    ),
    path("me/training/", agent.my_training, name="my-training"),
    path("me/calendar/revoke/", agent.calendar_revoke, name="calendar-revoke"),
    path("me/calendar/download/", agent.calendar_download, name="calendar-download"),
    path("inbox/", agent.inbox, name="inbox"),
    path("inbox/read/", agent.inbox_read, name="inbox-read"),
    # team leads
    path("rosters/", lead.roster_list, name="roster-list"),
    path("rosters/generate/", lead.roster_generate, name="roster-generate"),
    path("rosters/runs/<int:pk>/", lead.run_detail, name="run-detail"),
    path("rosters/<int:pk>/", lead.roster_board_page, name="roster-board"),
    path("rosters/<int:pk>/cell/", lead.roster_cell, name="roster-cell"),
    path("rosters/<int:pk>/publish/", lead.roster_publish, name="roster-publish"),
    path("rosters/<int:pk>/coverage/", lead.roster_coverage, name="roster-coverage"),
    path("approvals/", lead.approvals, name="approvals"),
    path(
        "approvals/<str:kind>/<int:pk>/<str:decision>/",
        lead.approval_decide,
        name="approval-decide",
    ),
]
