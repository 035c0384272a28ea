from billing.schedule import build_schedule
from celery import Celery

CELERY_BEAT_SCHEDULE = build_schedule()  # want: cron SCHEDULE Nightly refunds []
