from fastapi import FastAPI, File, HTTPException, UploadFile
from flask import Flask, request, session
from flask_login import login_user

app = FastAPI()
web = Flask(__name__)


@app.post("/files")
async def upload(file: UploadFile = File(...)):  # want "upload-no-type-check" "upload-no-size-limit"
    data = await file.read()
    save(file.filename, data)
    return {"name": file.filename}


@web.route("/orders/<int:order_id>/paid", methods=["POST"])
def mark_paid(order_id):
    order = Order.query.get_or_404(order_id)
    order.is_paid = True  # want "payment-unverified"
    order.transaction = request.json["transaction_id"]
    db.session.commit()
    return "", 204


@web.route("/orders/<int:order_id>/ship", methods=["POST"])
def ship(order_id):
    order = Order.query.get_or_404(order_id)
    order.status = "shipped"
    db.session.commit()
    return "", 204


@web.route("/as/<int:uid>")
def login_as(uid):
    user = User.query.get(uid)
    login_user(user)  # want "login-without-proof"
    return "ok"


@web.route("/login", methods=["POST"])
def login():
    user = User.query.filter_by(email=request.form["email"]).first()
    if user is None or not user.check_password(request.form["password"]):
        return "no", 401
    session["user_id"] = user.id
    return "ok"


@web.route("/avatar", methods=["POST"])
def avatar():
    f = request.files["avatar"]  # want "upload-no-type-check"
    f.save("/srv/avatars/" + str(session["user_id"]))
    return "ok"
