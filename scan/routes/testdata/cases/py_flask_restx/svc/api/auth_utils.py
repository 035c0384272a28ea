def token_required(f):
    return f
