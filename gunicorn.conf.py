"""How production serves the site: `gunicorn -c gunicorn.conf.py lab_site.wsgi`.

From the environment: WEB_CONCURRENCY (worker processes, default 2), PORT (default 8000)
and FORWARDED_ALLOW_IPS (the proxies whose X-Forwarded-Proto gunicorn believes, default
loopback). Settings given on gunicorn's command line override these.
"""

import os

# Every interface, as a platform that sets PORT expects. Behind a reverse proxy only the
# proxy may reach this port: with TRUSTED_PROXY_COUNT > 0 the site believes the
# X-Forwarded-For a direct client could otherwise write.
bind = [f"0.0.0.0:{int(os.environ.get('PORT', '8000'))}"]

# Sync workers, one request each at a time. Rate limits and the page cache live in the
# shared cache (CACHE_URL), so any number of workers counts as one.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# A worker silent for this long is killed and replaced; uploads of up to 10 MB arrive
# through a buffering proxy, so no request needs longer.
timeout = 30
graceful_timeout = 30
keepalive = 5

# Requests bigger than a browser sends are refused before Django sees them: the request
# line (method, path and query) in bytes, the number of headers, each header's size.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Whose X-Forwarded-Proto (https behind a TLS-terminating proxy) to believe. The client
# address for rate limits is the application's business (TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access and error logs to standard output and error, for the platform to collect.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
)
