from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    verbose_name = "Rotas and on-call"

    def ready(self):
        from rota import sessions  # noqa: F401  (connects the sign-in receiver)
