from svc import create_app
from svc.api import blueprint

app = create_app()
app.register_blueprint(blueprint)
