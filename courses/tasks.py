from celery import shared_task


@shared_task(name="courses.tasks.reminders_send")
def reminders_send():
    from courses import services

    return services.reminders_send()
