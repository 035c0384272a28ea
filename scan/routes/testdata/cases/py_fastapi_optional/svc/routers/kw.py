from fastapi import APIRouter

router = APIRouter()


@router.get("/status")  # want: GET /kw/status []
def status():
    return {}
