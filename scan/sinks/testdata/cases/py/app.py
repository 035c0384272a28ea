import os
import pickle
import shlex
import sqlite3
import subprocess
import subprocess as sp

import requests
import yaml
from flask import Flask, request, send_file, send_from_directory, render_template_string
from jinja2 import Template
from lxml import etree
from werkzeug.utils import secure_filename

app = Flask(__name__)
TABLE = "users"


@app.route("/users")
def users():
    db = sqlite3.connect("app.db")
    cur = db.cursor()
    name = request.args.get("name")
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)  # want "sql-string-built"
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")  # want "sql-string-built"
    q = "SELECT * FROM users WHERE name = '" + name + "'"
    cur.execute(q)  # want "sql-string-built"
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    cur.execute("SELECT * FROM " + TABLE + " WHERE id = ?", (1,))
    ids = request.args.getlist("id")
    cur.execute("SELECT * FROM users WHERE id IN (%s)" % ",".join("?" * len(ids)), ids)
    return "ok"


@app.route("/ping")
def ping():
    host = request.args["host"]
    os.system("ping -c 1 " + host)  # want "command-injection"
    os.system("ping -c 1 " + shlex.quote(host))
    subprocess.run(f"ping -c 1 {host}", shell=True)  # want "command-injection"
    sp.call(["ping", "-c", "1", host])
    subprocess.run("uptime", shell=True)
    return "ok"


@app.route("/load", methods=["POST"])
def load():
    obj = pickle.loads(request.data)  # want "unsafe-deserialization"
    cfg = yaml.load(request.data)  # want "unsafe-deserialization"
    safe = yaml.load(request.data, Loader=yaml.SafeLoader)
    also = yaml.safe_load(request.data)
    return str((obj, cfg, safe, also))


@app.route("/xml", methods=["POST"])
def xml():
    parser = etree.XMLParser(resolve_entities=True)  # want "xml-external-entities"
    doc = etree.fromstring(request.data)  # want "xml-external-entities"
    quiet = etree.fromstring(request.data, etree.XMLParser(resolve_entities=False))
    return str((parser, doc, quiet))


@app.route("/files/<name>")
def files(name):
    path = os.path.join("/srv/files", request.args["f"])
    open(path).read()  # want "path-traversal"
    send_file(name)  # want "path-traversal"
    send_file(os.path.join("/srv", secure_filename(name)))
    return send_from_directory("/srv/files", name)


@app.route("/fetch")
def fetch():
    url = request.args.get("url")
    requests.get(url)  # want "ssrf"
    requests.get(f"https://api.example.com/items/{url}")
    requests.post("https://api.example.com/hook", json={"u": url})
    return "ok"


@app.route("/hello")
def hello():
    who = request.args.get("who", "")
    render_template_string("<p>Hello " + who + "</p>")  # want "template-injection"
    Template(request.form["tpl"]).render()  # want "template-injection"
    return render_template_string("<p>Hello {{ who }}</p>", who=who)


@app.route("/calc")
def calc():
    return str(eval(request.args["expr"]))  # want "code-injection"


def report_job(day):
    # Not a handler: the value's origin is unknown, so the finding is medium.
    cur = sqlite3.connect("app.db").cursor()
    cur.execute("DELETE FROM logs WHERE day < '%s'" % day)  # want "sql-string-built"
    subprocess.check_output("gzip " + day, shell=True)  # want "command-injection"
    with open("/srv/cache.bin", "rb") as fh:
        return pickle.load(fh)  # want "unsafe-deserialization"


@app.route("/archive")
def archive():
    return compress(request.args["name"], 9)


def compress(name, level):
    # Reached from archive() with a request value: traced through the call.
    return subprocess.check_output("gzip -%d %s" % (level, name), shell=True)  # want "command-injection"
