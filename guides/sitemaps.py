"""Pages of the guides app the sitemap lists besides its records and listings."""

# URL names; config.urls adds them to the sitemap's "listings" section.
PAGES = ("guides:agenda_compare",)
