"""Admin dashboard, served only by the internal load balancer (VPN)."""
from flask import Blueprint, current_app, jsonify, session

from auth import admin_required, login_required

admin = Blueprint("admin", __name__)


@admin.get("/")
@login_required
@admin_required
def overview():
    return jsonify(users="see dashboard")


@admin.post("/users/<uuid:user_id>/delete")
@login_required
@admin_required
def delete_user(user_id):
    current_app.logger.info("audit: admin %s deleted user %s", session["user_id"], user_id)
    return jsonify(deleted=str(user_id))
