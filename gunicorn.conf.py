"""Gunicorn settings for Lango; gunicorn reads this file from the working directory.

    gunicorn portal.wsgi --workers 4 --bind 0.0.0.0:8000

Access lines (off unless asked for, e.g. ``--access-logfile -``) use the usual combined format with
the Africa's Talking callback token and staff enrolment links cut out of the path
(``/ussd/at/[redacted]/``); the error log is filtered the same way. See ``portal.gunicorn_logging``.
"""

logger_class = "portal.gunicorn_logging.RedactingLogger"
# Combined format, plus the time taken in milliseconds; %(r)s (the request line) is redacted.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
# Never log request headers or the query string on their own: the path atoms above are redacted.
