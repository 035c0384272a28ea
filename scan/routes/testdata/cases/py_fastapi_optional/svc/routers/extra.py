from fastapi import APIRouter

router = APIRouter()


@router.get("/ping")  # want: GET /extra/ping []
def ping():
    return "pong"
