# Varnish in front of the Field Guide (Debian: varnish 7.1 + varnish-modules for xkey).
#
# Django sends every anonymous reader page with
#   Cache-Control: max-age=0, s-maxage=<PAGE_CACHE_SHARED_MAX_AGE>
#   xkey: all r:careers.role:12 r:organizations.organization:3 l:guides.paper …
# and, when editors save or publish, purges the keys that changed with
#   PURGE / HTTP/1.1   xkey-purge: r:organizations.organization:3 l:organizations.organization
# (core/purge.py, PAGE_CACHE_PURGER=core.purge.VarnishPurger). See docs/deployment.md.
#
#   varnishd -a :6081 -f deploy/varnish/default.vcl -s malloc,256m
#   (BACKEND_HOST/BACKEND_PORT below: gunicorn)

vcl 4.1;

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the application servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        return (synth(400, "No xkey-purge header"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors (a session or messages cookie) and API clients with credentials:
    # never from the cache, as in Django's own page cache (core/cache.py).
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    if (req.url ~ "^/(healthz|readyz)") {
        return (pass);
    }
    # Readers' other cookies (consent banners, analytics) do not change a page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what Django marks for shared caches (s-maxage) is kept; a response
    # that sets a cookie or is private never is.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "private|no-store|no-cache") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A purged page is fetched once while the others get the previous copy for
    # a few seconds (no miss storm at the backend either).
    set beresp.grace = 10s;
}

sub vcl_deliver {
    # The keys are for this cache only.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
