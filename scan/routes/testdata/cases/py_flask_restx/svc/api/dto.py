from flask_restx import Namespace


class AuthDto:
    api = Namespace("auth", description="authentication")


class UserDto:
    api = Namespace("user", description="users")
