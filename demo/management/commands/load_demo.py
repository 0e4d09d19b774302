from django.core.management.base import BaseCommand, CommandError

from demo.fixtures import DemoDataError
from demo.loader import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisation (Maison Verte Group) with 18 months of history. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if report.changed_anything:
            summary = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, where in demo_logins():
            self.stdout.write(f"  {username:<22} {role:<12} {where}")
