from celery.schedules import crontab


def build_schedule():
    schedule = {}
    for task in [
        {"name": "Nightly refunds", "task": "billing.jobs.refund", "schedule": crontab(hour=3)},
    ]:
        schedule[task["name"]] = {"task": task["task"], "schedule": task["schedule"]}
    return schedule
