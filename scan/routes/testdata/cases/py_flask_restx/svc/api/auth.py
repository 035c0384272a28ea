from flask_restx import Resource

from .dto import AuthDto

api = AuthDto.api


@api.route("/login")  # want: POST /api/auth/login [] #auth-endpoint
class Login(Resource):
    def post(self):
        return {}
