from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apothecary.core import scheduler


class Command(BaseCommand):
    help = (
        "Run the schedule of periodic work (settings.TASKS_SCHEDULE): at each job's times, "
        "enqueue its task for the worker, once per time slot however many schedulers run. "
        "Stops on SIGTERM or SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_jobs",
            help="Print each job, its crontab and next run; exit.",
        )
        parser.add_argument("--run", metavar="JOBNAME", help="Enqueue this job's task now; exit.")

    def handle(self, *args, list_jobs=False, run=None, **options):
        try:
            jobs = scheduler.load_schedule()
        except scheduler.ScheduleError as error:
            raise CommandError(f"Bad schedule (TASKS_SCHEDULE): {error}") from None
        if list_jobs:
            now = timezone.now()
            width = max((len(job.name) for job in jobs), default=0)
            for job in jobs:
                upcoming = scheduler.next_run(job, now=now)
                when = timezone.localtime(upcoming).isoformat() if upcoming else "never"
                self.stdout.write(f"{job.name:<{width}}  {job.crontab:<13}  next: {when}")
            return
        if run is not None:
            chosen = next((job for job in jobs if job.name == run), None)
            if chosen is None:
                names = ", ".join(job.name for job in jobs)
                raise CommandError(f"No job named {run!r} in the schedule; the jobs: {names}.")
            result = scheduler.enqueue_now(chosen)
            self.stdout.write(f"{chosen.name}: enqueued (task {result.id}, {result.status}).")
            return
        scheduler.run(jobs)
