import requests

ROUTES = {"/admin": "admin", "/debug/vars": "debug"}


def sync(session, cache):
    requests.post("https://api.example.com/api/legacy/sync", json={})
    session.get("/api/v1/users", params={"page": 1})
    cache.get("/dev/reset", None)
    print("@app.route('/not/a/route')")
    return ROUTES.get("/admin")


class Client:
    def route(self, path):
        return path

    def get(self, path):
        return self.route(path)
