"""Events other apps react to. staffing never imports scheduler; scheduler connects here."""

from django.dispatch import Signal

#: Sent after commit when a leave request is approved: kwargs request_id.
leave_approved = Signal()
#: Sent after commit when approved leave is cancelled: kwargs request_id.
leave_cancelled = Signal()
#: Sent after commit when an agent's skills change (training passed, skill lapsed): agent_ids.
skills_changed = Signal()
#: Sent after commit when a leave request is created (pending): kwargs request_id. Scheduler
#: assesses its effect on service and may approve it automatically under the team's policy.
leave_requested = Signal()
#: Sent inside the approving transaction, with the agent's row locked: kwargs request_id.
#: Scheduler takes the agent's shifts on those days off the live roster in the same
#: transaction, so no committed state ever holds both the leave and a shift.
leave_taking_effect = Signal()
#: Sent after commit when a leave request is rejected: kwargs request_id.
leave_rejected = Signal()
#: Asked (not notified) while a request's days are counted: receivers return a mapping
#: {day: works} for the days a published roster covers for the agent (kwargs agent_id,
#: start_on, end_on). In a 24/7 center leave is taken from rostered shifts, weekends included;
#: days no roster covers yet count by the working-day calendar.
leave_days_rostered = Signal()
#: Asked (not notified) by the HR leave page: receivers return {request_id: figures} for the
#: requests whose effect on service has been assessed (kwargs request_ids). Figures are a dict
#: with rostered_days (int), worst_service_level (float or None), target_holds (bool) and
#: decision (str). Staffing shows them without knowing how they were computed.
leave_impacts_wanted = Signal()
