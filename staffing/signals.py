"""Events other apps react to. staffing never imports scheduler; scheduler connects here."""

from django.dispatch import Signal

#: Sent after commit when a leave request is approved: kwargs request_id.
leave_approved = Signal()
#: Sent after commit when approved leave is cancelled: kwargs request_id.
leave_cancelled = Signal()
#: Sent after commit when an agent's skills change (training passed, skill lapsed): agent_ids.
skills_changed = Signal()
