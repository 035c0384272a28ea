import jwt
from flask import Blueprint, abort, request

from .models import Operations, User, validate_token

bp = Blueprint("auth", __name__)


@bp.route("/reset", methods=["PUT"])
def password_reset():
    user = User.verify_reset_token(request.json["token"])  # want "reset-token-reusable"
    if user is None:
        abort(400)
    user.password = request.json["new_password"]
    return {}


@bp.route("/recover/<token>", methods=["POST"])
def recover(token):
    user = User.load_recovery(token)  # want "reset-token-reusable"
    user.password = request.form["password"]
    return {}


@bp.route("/forgot/confirm", methods=["POST"])
def forgot_confirm():
    data = jwt.decode(request.json["token"], "k", algorithms=["HS256"])  # want "reset-token-reusable"
    User.query.get(data["id"]).password = request.json["password"]
    return {}


@bp.route("/reset/one-time", methods=["POST"])
def reset_one_time():
    user = User.verify_one_time(request.json["token"])
    user.password = request.json["password"]
    return {}


@bp.route("/reset/stored", methods=["POST"])
def reset_stored():
    user = User.verify_stored(request.json["token"])
    user.password = request.json["password"]
    return {}


@bp.route("/reset/revoked", methods=["POST"])
def reset_revoked():
    data = jwt.decode(request.json["token"], "k", algorithms=["HS256"])
    if redis_client.get("used:" + data["jti"]):
        abort(400)
    return {}


@bp.route("/password/reset", methods=["POST"])
def change_password():
    # A signed-in user's own change: the decoded token is the session's.
    claims = jwt.decode(request.headers["Authorization"][7:], "k", algorithms=["HS256"])
    User.query.get(claims["sub"]).password = request.json["password"]
    return {}


@bp.route("/confirm/<token>")
def confirm(token):
    # Not a reset flow: an email confirmation.
    data = jwt.decode(token, "k", algorithms=["HS256"])
    User.query.get(data["id"]).confirmed = True
    return {}


@bp.route("/password/new/<token>", methods=["POST"])
def new_password(token):
    user = User.query.filter_by(email=request.form["email"]).first()
    if validate_token(user=user, token=token, operation=Operations.RESET_PASSWORD, new_password=request.form["password"]):  # want "reset-token-reusable"
        return {}
    return {}, 400
