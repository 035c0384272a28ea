from fastapi import APIRouter

# Never included by the app.
router = APIRouter(prefix="/legacy")


@router.get("/export")  # want: GET /legacy/export [] #unmounted
def export():
    return []
