from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "thidua.papers"
    label = "papers"
    verbose_name = "Văn bản chính thức: ký số, in phôi, quỹ thi đua"

    def ready(self) -> None:
        from thidua.nominations.certificates import register_signature_lookup
        from thidua.papers import services  # (registers the signing and printing jobs)

        register_signature_lookup(services.certificate_signatures)
