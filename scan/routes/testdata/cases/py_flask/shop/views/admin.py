from flask import Blueprint, abort, request

bp = Blueprint("admin", __name__, url_prefix="/admin")

ALLOWED_IPS = {"10.0.0.1"}


@bp.before_request
def restrict_to_office():
    if request.remote_addr not in ALLOWED_IPS:
        abort(403)


@bp.route("/users")  # want: GET /admin/users [ip-allowlist,csrf] #admin
def users():
    return "users"
