"""The OpenAPI schema view: generated and rendered once per process, API version, language and format.

Generating it walks every endpoint and serializer (about a second of CPU), and rendering it as YAML takes a third of
that again; the public schema follows from the code alone (no permission filtering, no server address taken from
the request), so a process answers later requests from the first one's result. A code change restarts the
process."""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class _RenderedOnce:
    """The accepted renderer, answering from `rendered` what it already rendered for this schema and media type."""

    def __init__(self, renderer, key, rendered: dict):
        self._renderer, self._key, self._rendered = renderer, key, rendered

    def __getattr__(self, name):
        return getattr(self._renderer, name)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        key = (self._key, type(self._renderer), accepted_media_type)
        kept = self._rendered.get(key)
        if kept is None or kept[0] is not data:  # a schema generated again is rendered again
            kept = self._rendered[key] = (data, self._renderer.render(data, accepted_media_type, renderer_context))
        return kept[1]


class SchemaView(SpectacularAPIView):
    _generated: dict = {}  # (version, language, public) → schema
    _rendered: dict = {}  # (that key, renderer class, media type) → (schema, its rendering)

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language(), self.serve_public)
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        self._schema_key = key
        return Response(data=schema,
                        headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "_schema_key", None)
        if key is not None and isinstance(response, Response) and response.data is self._generated.get(key):
            response.accepted_renderer = _RenderedOnce(response.accepted_renderer, key, self._rendered)
        return response
