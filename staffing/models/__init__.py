"""The people of a service center: organisation, skills, training and leave."""

from .idempotency import IdempotencyRecord
from .leave import (
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveType,
)
from .organisation import Agent, Contract, Level, Site, Team
from .skills import AgentSkill, Skill
from .training import Course, CourseSkillGrant, TrainingRecord, TrainingSession

__all__ = [
    "Agent",
    "AgentSkill",
    "Contract",
    "Course",
    "CourseSkillGrant",
    "IdempotencyRecord",
    "LeaveLedgerEntry",
    "LeaveRequest",
    "LeaveType",
    "Level",
    "Site",
    "Skill",
    "Team",
    "TrainingRecord",
    "TrainingSession",
]
