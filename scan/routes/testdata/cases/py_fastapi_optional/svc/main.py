from fastapi import Depends, FastAPI

from . import config
from .routers import admin, articles, auth, extra, kw
from .security import require_admin

app = FastAPI()

app.include_router(articles.router, prefix=config.API_PREFIX)
app.include_router(auth.router, prefix=config.API_PREFIX + config.VERSION)
app.include_router(admin.router, prefix="/admin", dependencies=[Depends(require_admin)])
app.include_router(router=kw.router, prefix="/kw")

for r in [extra.router]:
    app.include_router(r, prefix="/extra")


@app.get(f"{config.VERSION}/health")  # want: GET /v2/health []
def health():
    return {"ok": True}


@app.get(config.health_path())  # unresolved: a path computed at run time
def dynamic():
    return {}
