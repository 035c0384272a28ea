import hmac

import requests
from flask import Flask, request, jsonify
from flask_httpauth import HTTPBasicAuth
from requests.auth import HTTPBasicAuth as ClientAuth
from werkzeug.security import generate_password_hash, check_password_hash

app = Flask(__name__)
auth = HTTPBasicAuth()

users = {
    "john": generate_password_hash("hello"),  # want "hardcoded-credential"
    "susan": "bye",  # want "hardcoded-credential"
    "ci": generate_password_hash(CI_PASSWORD),
}

ROLES = {"john": "admin", "susan": "user"}


@auth.verify_password
def verify_password(username, password):
    if username in users and check_password_hash(users.get(username), password):
        return username
    if username == "root" and password == "toor":  # want "login-literal-credential"
        return username


@app.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    if hmac.compare_digest(data["password"], "opensesame"):  # want "login-literal-credential"
        return jsonify(token="x")
    # Look-alikes: empty, None, another field.
    if data["password"] == "" or data.get("password") is None or data["password"] == data["confirm"]:
        return jsonify(error="bad"), 400
    return jsonify(error="no"), 401


def fetch_report():
    return requests.get("https://example.org/report", auth=ClientAuth("bot", "b0t-pass"))  # want "hardcoded-credential"


def strength(password):
    # Not a login: a weak-password hint.
    return "weak" if password == "password" else "ok"


def lab_view(request):
    # A literal user name and password in one condition is an account,
    # whatever the view is called.
    username = request.POST["username"]
    password = request.POST["password"]
    if username == "admin" and password == "admin_pass":  # want "login-literal-credential"
        return "welcome"
    if username == "guest" or password == "guest":
        return "no"
