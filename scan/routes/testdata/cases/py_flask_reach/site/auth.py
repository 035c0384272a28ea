from flask import Blueprint, request
from flask_login import login_user

from .users import check_password, find_user

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/login", methods=["POST"])  # want: POST /{prefix}/login [] #auth-endpoint
def login():
    user = find_user(request.form["email"])
    if check_password(user, request.form["password"]):
        login_user(user)
    return {}


@auth_bp.route("/signup", methods=["POST"])  # want: POST /{prefix}/signup [] #auth-endpoint
def onSignup():
    return {}
