"""The favicon, app icons and web app manifest."""

import struct

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_an_icon_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert "max-age" in response["Cache-Control"]
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind) == (0, 1)  # an ICO, not a PNG or HTML renamed
    assert count >= 2
    sizes = {response.content[6 + 16 * i] for i in range(count)}
    assert {16, 32} <= sizes


def test_favicon_refuses_post(client):
    assert client.post("/favicon.ico").status_code == 405


def test_pages_link_the_icons_and_manifest(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in html
    assert 'rel="icon" href="/static/icons/icon' in html and 'type="image/svg+xml"' in html
    assert 'rel="apple-touch-icon"' in html
    assert 'rel="manifest" href="/site.webmanifest"' in html


def test_manifest_names_icons_that_exist(client):
    response = client.get("/site.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["name"] and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        relative = icon["src"].removeprefix("/static/")
        assert finders.find(relative), icon["src"]
