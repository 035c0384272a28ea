from celery import Celery, shared_task
from celery.schedules import crontab

app = Celery("proj")


@app.task  # want: queue CONSUME tasks.send_email []
def send_email(to):
    pass


@app.task(name="billing.charge", bind=True)  # want: queue CONSUME billing.charge []
def charge(self, user_id):
    pass


@shared_task  # want: queue CONSUME tasks.cleanup []
def cleanup():
    pass


app.conf.beat_schedule = {
    "nightly-cleanup": {"task": "tasks.cleanup", "schedule": crontab(hour=3)},  # want: cron SCHEDULE nightly-cleanup []
}
