from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "encryption"

    def ready(self) -> None:
        from encryption import keys  # noqa: F401  (forgets cached keys when a test changes the settings)
