from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

router = APIRouter()


def authenticate_user(name, password):
    return None


@router.post("/login")  # want: POST /{prefix}/v2/login [] #auth-endpoint
def login(form: OAuth2PasswordRequestForm = Depends()):
    return authenticate_user(form.username, form.password)


@router.post("/password-reset")  # want: POST /{prefix}/v2/password-reset [] #auth-endpoint
def password_reset(email: str):
    return {}
