from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Generated data for demonstrating and measuring; the domain apps never import it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo and scale data"
