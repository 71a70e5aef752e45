"""The shop's WSGI application, each answer signed with the worker process that made it.

Only for tests that must show which gunicorn worker answered (``X-Worker-Pid``).
"""

import os

from shop.wsgi import application as shop_application


def application(environ, start_response):
    def start_signed(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

    return shop_application(environ, start_signed)
