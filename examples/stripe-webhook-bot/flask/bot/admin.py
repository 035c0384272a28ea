import functools
import hmac
import os
import time

from flask import Blueprint, abort, jsonify, request

from .extensions import limiter

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def token_required(view):
    """Accept only an unexpired admin token (ADMIN_TOKEN, ADMIN_TOKEN_EXPIRES)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expected = os.environ.get("ADMIN_TOKEN", "")
        expires = float(os.environ.get("ADMIN_TOKEN_EXPIRES", "0"))
        if not expected or not hmac.compare_digest(presented, expected) or time.time() > expires:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


@admin_bp.get("/status")
@limiter.limit("100/minute")
@token_required
def status():
    return jsonify(status="ok")
