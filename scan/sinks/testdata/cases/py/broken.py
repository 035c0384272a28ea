def broken(:  # want "parse-error"
    pass
