"""Open data: the read-only JSON API, listing exports, feeds and permanent URLs.

* ``registry``   – the record types (slug, listing, model, detail URL name).
* ``filters``    – the API's FilterSets (also the fallback for exports and feeds).
* ``serializers``/``views``/``urls`` – the DRF API under ``/api/v1/`` and the
  OpenAPI schema at ``/api/schema/``.
* ``exports``    – CSV/JSON downloads of a filtered listing.
* ``site_urls``  – ``/<listing>/feed.atom``, ``/<listing>/export.{csv,json}``,
  ``/programs/calendar.ics`` and ``/r/<type>/<pk>/``.
"""
