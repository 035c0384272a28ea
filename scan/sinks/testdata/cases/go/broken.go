package main

import "net/http"

func broken( { // want "parse-error"
}
