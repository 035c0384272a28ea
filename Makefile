# Targets mirror CI (.ci/run runs `go vet` and `go test`).
GO ?= go

.PHONY: test lint golden bench fuzz

test:
	$(GO) test -race ./...

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) run ./cmd/threatmap check .

golden:
	$(GO) test ./model ./report ./internal/cli -update

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./rules ./scan/... ./probe

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./model
	$(GO) test -run '^$$' -fuzz FuzzValidModelsNeverFailTheEngine -fuzztime 30s ./rules
