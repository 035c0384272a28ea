from celery import shared_task


@shared_task(bind=True)  # want: queue CONSUME billing.jobs.refund []
def refund(self, order_id):
    pass


def opaque():
    return {}


CELERY_BEAT_SCHEDULE = opaque()  # want-unresolved
