"""Internal admin dashboard, mounted at /admin."""
import os

from flask import Blueprint, jsonify

admin = Blueprint("admin", __name__)


@admin.get("/")
def overview():
    return jsonify(
        users="SELECT count(*) FROM users",
        openai_key=os.environ.get("OPENAI_API_KEY", "")[:8],
    )


@admin.post("/users/<int:user_id>/delete")
def delete_user(user_id):
    return jsonify(deleted=user_id)
