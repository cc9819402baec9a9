from django.db import migrations


def create_reference_data(apps, schema_editor):
    from staffing.reference_data import LEAVE_TYPES, ROLE_GROUPS, SKILLS

    Group = apps.get_model("auth", "Group")
    Skill = apps.get_model("staffing", "Skill")
    LeaveType = apps.get_model("staffing", "LeaveType")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    for code, name, kind in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    for row in LEAVE_TYPES:
        values = dict(row)
        LeaveType.objects.get_or_create(code=values.pop("code"), defaults=values)


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
