from time import time

import jwt
from flask import current_app
from itsdangerous import URLSafeTimedSerializer


class User:
    @staticmethod
    def verify_reset_token(reset_token):
        try:
            data = jwt.decode(reset_token, current_app.config["SECRET_KEY"], algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        return User.query.filter_by(email=data["reset_email"]).first()

    @staticmethod
    def load_recovery(token):
        s = URLSafeTimedSerializer(current_app.config["SECRET_KEY"])
        return User.query.get(s.loads(token, max_age=900)["id"])

    @staticmethod
    def verify_one_time(token):
        # The password hash is part of the key: the token dies with the password.
        data = jwt.decode(token, current_app.config["SECRET_KEY"] + User.current().password_hash, algorithms=["HS256"])
        return User.query.get(data["id"])

    @staticmethod
    def verify_stored(token):
        data = jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"])
        row = ResetToken.query.filter_by(token=token, used=False).first()
        row.used = True
        return row.user


def validate_token(user, token, operation, new_password=None):
    # One helper for every mailed link: the call says which.
    s = URLSafeTimedSerializer(current_app.config["SECRET_KEY"])
    data = s.loads(token, max_age=3600)
    if data.get("id") != user.id or data.get("operation") != operation:
        return False
    if operation == "reset-password":
        user.password = new_password
    return True
