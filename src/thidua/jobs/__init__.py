"""Background jobs: long work (eligibility over a province, big Excel exports, PDF conversion…) run by workers
through the Django Tasks API, with progress, cancel, a result to download and a clear failure message.

The ground floor of this feature: it imports only thidua.core and Django. An upper app registers the kinds of job
it offers (`registry.register`) from its AppConfig.ready(); this package never imports it.
"""
