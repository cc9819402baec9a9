from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import policy
from ..selectors.leave import leave_balances_for_agent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where every role lands: who you are, your balances and where to go next."""
    agent = policy.own_agent(request.user)
    today = timezone.localdate()
    context = {
        "agent": agent,
        "roles": sorted(role.value for role in policy.roles_of(request.user)),
        "is_hr_or_admin": policy.is_hr_or_admin(request.user),
        "balances": leave_balances_for_agent(agent=agent, year=today.year) if agent else [],
        "pending_requests": (
            agent.leave_requests.filter(status="pending").select_related("leave_type")
            if agent
            else []
        ),
        "today": today,
    }
    return render(request, "staffing/home.html", context)
