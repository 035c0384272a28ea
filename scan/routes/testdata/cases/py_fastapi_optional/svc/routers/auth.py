from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from ..security import get_auth_service, get_current_user

router = APIRouter()


def authenticate_user(name, password):
    return None


@router.post("/login")  # want: POST /{prefix}/v2/login [] #auth-endpoint
def login(form: OAuth2PasswordRequestForm = Depends()):
    return authenticate_user(form.username, form.password)


@router.post("/password-reset")  # want: POST /{prefix}/v2/password-reset [] #auth-endpoint
def password_reset(email: str):
    return {}


@router.post("/login/test-token")  # want: POST /{prefix}/v2/login/test-token [auth] #test,auth-endpoint
def test_token(user=Depends(get_current_user)):
    return user


@router.post("/register")  # want: POST /{prefix}/v2/register [] #auth-endpoint
def register(service=Depends(get_auth_service)):
    return {}
