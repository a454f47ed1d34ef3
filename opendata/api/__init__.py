"""The read-only JSON API under ``/api/v1/`` and its OpenAPI schema.

* ``serializers`` – the shared record fields, composed with each type's own.
* ``filters``     – each type's FilterSet (the listing's, plus API-only filters).
* ``views``/``urls`` – one viewset per registered record type.
* ``pagination``  – page-number pagination (``?page=&page_size=``).
"""
