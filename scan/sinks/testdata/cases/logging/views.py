import logging

from flask import Flask, request, jsonify

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    logger.info("login attempt %s", request.get_json())  # want "sensitive-data-logged"
    print("password:", data["password"])  # want "sensitive-data-logged"
    app.logger.debug(f"checking {data['email']}")
    has_password = bool(data.get("password"))
    logger.info("has_password=%s", has_password)
    logger.info("password reset link sent")
    token = make_token(data["email"])
    logging.debug("issued %s", token)  # want "sensitive-data-logged"
    return jsonify(token=token)


@app.route("/items", methods=["POST"])
def items():
    logger.info("new item %s", request.json)
    return jsonify(ok=True)


L = logging.getLogger("audit")


@app.route("/a9", methods=["POST"])
def a9():
    username = request.POST["username"]
    password = request.POST["password"]
    L.info(f"POST request with username {username} and password {password}")  # want "sensitive-data-logged"
    L.info(f"POST request with username {username}")
    return jsonify(ok=True)


@app.route("/a10", methods=["POST"])
def a10():
    audit = AuditLog(request)
    password = request.POST["password"]
    audit.info(f"attempt with {password}")  # want "sensitive-data-logged"
    return jsonify(ok=True)
