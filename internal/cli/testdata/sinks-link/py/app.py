import os
from flask import Flask, request

app = Flask(__name__)


@app.route("/ping", methods=["POST"])
def ping():
    os.system("ping -c 1 " + request.form["host"])
    return "ok"


def helper(x):
    os.system("echo " + x)
