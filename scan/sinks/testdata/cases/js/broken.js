function broken( { // want "parse-error"
