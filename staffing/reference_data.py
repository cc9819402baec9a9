"""Reference data every center starts with; editable afterwards (admin or API).

Used by a data migration, so a fresh database has the roles, the Chinese statutory leave types
and the standard skills before anyone signs in.
"""

ROLE_GROUPS = ["agent", "team_lead", "hr", "admin"]

# (code, name, kind)
SKILLS = [
    ("voice", "Voice (hotline)", "channel"),
    ("chat", "Online chat", "channel"),
    ("email", "Email", "channel"),
    ("accounts", "Accounts and deposits", "product"),
    ("cards", "Cards", "product"),
    ("loans", "Loans", "product"),
    ("wealth", "Wealth management", "product"),
    ("complaints", "Complaints handling", "other"),
    ("mandarin", "Mandarin", "language"),
    ("cantonese", "Cantonese", "language"),
    ("english", "English", "language"),
]

# Chinese statutory defaults (national rules; provinces extend some of them, so all are editable).
LEAVE_TYPES = [
    {
        # 带薪年休假: 5/10/15 working days by years of service; public holidays not counted.
        "code": "annual",
        "name": "Annual leave",
        "paid": True,
        "counts_against_balance": True,
        "needs_document": False,
        "max_consecutive_days": None,
        "notice_days": 7,
        "day_count": "working",
        "entitlement": "statutory_annual",
        "default_days_per_year": None,
    },
    {
        # 病假: paid at the sick-pay rate; a doctor's certificate is required. Counted in
        # calendar days: in a 24/7 center a sick Saturday is a lost shift like any other.
        "code": "sick",
        "name": "Sick leave",
        "paid": True,
        "counts_against_balance": False,
        "needs_document": True,
        "max_consecutive_days": None,
        "notice_days": 0,
        "day_count": "calendar",
        "entitlement": "none",
        "default_days_per_year": None,
    },
    {
        # 事假: unpaid personal leave.
        "code": "personal",
        "name": "Personal leave (unpaid)",
        "paid": False,
        "counts_against_balance": False,
        "needs_document": False,
        "max_consecutive_days": 10,
        "notice_days": 1,
        "day_count": "working",
        "entitlement": "none",
        "default_days_per_year": None,
    },
    {
        # 婚假: 3 days nationally (many provinces add more).
        "code": "marriage",
        "name": "Marriage leave",
        "paid": True,
        "counts_against_balance": False,
        "needs_document": True,
        "max_consecutive_days": 3,
        "notice_days": 14,
        "day_count": "working",
        "entitlement": "none",
        "default_days_per_year": None,
    },
    {
        # 产假: 98 calendar days (女职工劳动保护特别规定, art. 7).
        "code": "maternity",
        "name": "Maternity leave",
        "paid": True,
        "counts_against_balance": False,
        "needs_document": True,
        "max_consecutive_days": 98,
        "notice_days": 0,
        "day_count": "calendar",
        "entitlement": "none",
        "default_days_per_year": None,
    },
    {
        # 陪产假: set by the provinces, commonly 15 days.
        "code": "paternity",
        "name": "Paternity leave",
        "paid": True,
        "counts_against_balance": False,
        "needs_document": True,
        "max_consecutive_days": 15,
        "notice_days": 0,
        "day_count": "calendar",
        "entitlement": "none",
        "default_days_per_year": None,
    },
    {
        # 丧假: 1 to 3 days for a close relative.
        "code": "bereavement",
        "name": "Bereavement leave",
        "paid": True,
        "counts_against_balance": False,
        "needs_document": False,
        "max_consecutive_days": 3,
        "notice_days": 0,
        "day_count": "calendar",
        "entitlement": "none",
        "default_days_per_year": None,
    },
]
