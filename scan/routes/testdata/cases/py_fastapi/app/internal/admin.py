from fastapi import APIRouter

router = APIRouter()


@router.post("/")  # want: POST /admin/ [auth,rate-limit] #admin
async def update_admin():
    return {"message": "Admin getting schwifty"}
