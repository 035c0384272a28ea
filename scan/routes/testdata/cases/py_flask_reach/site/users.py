def find_user(email):
    return None


def check_password(user, password):
    return False
