"""docqa backend: upload documents, ask questions about them."""
import os
import traceback

import boto3
import openai
import psycopg
from flask import Flask, g, jsonify, request, session

from admin import admin

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET", "dev")
app.register_blueprint(admin, url_prefix="/admin")

s3 = boto3.client("s3")
BUCKET = os.environ["UPLOAD_BUCKET"]
client = openai.OpenAI()


def db():
    if "db" not in g:
        g.db = psycopg.connect(os.environ["DATABASE_URL"])
    return g.db


def current_user():
    return session.get("user_id")


@app.post("/api/chat")
def chat():
    user = current_user()
    if user is None:
        return jsonify(error="login required"), 401
    question = request.json["question"]
    doc_id = request.json["document_id"]
    text = db().execute("SELECT body FROM documents WHERE id = %s", (doc_id,)).fetchone()[0]
    answer = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "Answer questions about the document."},
            {"role": "user", "content": f"Document:\n{text}\n\nQuestion: {question}"},
        ],
    )
    return jsonify(answer=answer.choices[0].message.content)


@app.post("/api/upload")
def upload():
    user = current_user()
    if user is None:
        return jsonify(error="login required"), 401
    f = request.files["file"]
    key = f"{user}/{f.filename}"
    s3.upload_fileobj(f, BUCKET, key)
    row = db().execute(
        "INSERT INTO documents (owner_id, s3_key) VALUES (%s, %s) RETURNING id", (user, key)
    ).fetchone()
    db().commit()
    return jsonify(id=row[0], key=key)


@app.get("/api/documents/<int:doc_id>")
def document(doc_id):
    if current_user() is None:
        return jsonify(error="login required"), 401
    row = db().execute("SELECT id, s3_key, body FROM documents WHERE id = %s", (doc_id,)).fetchone()
    return jsonify(id=row[0], key=row[1], body=row[2])


@app.post("/webhook/stripe")
def stripe_webhook():
    event = request.get_json()
    if event["type"] == "checkout.session.completed":
        customer = event["data"]["object"]["client_reference_id"]
        db().execute("UPDATE users SET plan = 'pro', credits = credits + 1000 WHERE id = %s", (customer,))
        db().commit()
    return "", 204


@app.errorhandler(Exception)
def on_error(exc):
    return jsonify(error=str(exc), trace=traceback.format_exc()), 500
