from django.core.management.base import BaseCommand

from governance.demo.loader import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = "Create the demo organisation (Maison Verte Group). Running it again changes nothing."

    def handle(self, *args, **options):
        report = load_demo()
        if report.changed_anything:
            summary = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, where in demo_logins():
            self.stdout.write(f"  {username:<22} {role:<12} {where}")
        self.stdout.write("\nAdmin: http://127.0.0.1:8000/admin/")
