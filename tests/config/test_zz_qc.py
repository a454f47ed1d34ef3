import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.config import test_query_budgets as t

pytestmark = pytest.mark.django_db


def test_print():
    call_command("generate_synthetic_content", scale=t.SMALL, seed=3, flush=False, verbosity=0)
    urls = t.page_urls()
    client = Client()
    for name in os.environ["QC_PAGES"].split(","):
        url = urls[name]
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        print("=====", name, url, len(ctx.captured_queries))
        for q in ctx.captured_queries:
            print("   ", q["sql"][:400])
