"""No tables: the reporting app's views are SQL (reporting/sql.py). This module exists so that Django
sends the app its pre_migrate and post_migrate signals, which keep the views in step with the schema."""
