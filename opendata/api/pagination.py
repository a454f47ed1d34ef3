"""Page-number pagination for the API (its own module: DRF settings import it)."""

from rest_framework.pagination import PageNumberPagination


class APIPagination(PageNumberPagination):
    """``?page=2&page_size=50``; pages hold at most ``max_page_size`` records."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
