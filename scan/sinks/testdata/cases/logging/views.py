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
