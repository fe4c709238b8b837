from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "thidua.emulation"
    verbose_name = "Thi đua"

    def ready(self) -> None:
        from thidua.awards import filters
        from thidua.emulation import statistics
        from thidua.emulation.models import cluster_peer_ids
        from thidua.orgs.scope import register_peer_rule

        # Cluster peers see each other's figures and the awards behind them; the registry can be narrowed to the
        # members of a cluster year (the figure a dashboard link came from).
        register_peer_rule(cluster_peer_ids)
        filters.register_filter("cluster_year", statistics.registry_cluster_year_filter)
