from celery import shared_task


@shared_task(name="governance.ping_broker_task", ignore_result=True)
def ping_broker_task() -> str:
    """A no-op a worker can run: the health check and the worker test enqueue it."""
    return "pong"
