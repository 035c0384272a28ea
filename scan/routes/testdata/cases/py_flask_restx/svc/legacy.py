from flask_restful import Api, Resource


class Ping(Resource):
    def get(self):
        return "pong"


def init_legacy(app):
    # The app comes in as a parameter: the routes are served all the same.
    api = Api(app)
    api.add_resource(Ping, "/ping")  # want: GET /ping []
