NOTES = {}


def save_note(user, text):
    NOTES.setdefault(user, []).append(text)
