"""Session authentication for the API."""
from functools import wraps

from flask import abort, session


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if session.get("user_id") is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("is_admin") or not session.get("mfa_verified"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
