# csrtui's everyday commands. `make help` lists them.
GO ?= go
GOLANGCI_LINT_VERSION := v2.15.0
GORELEASER_VERSION := v2.15.1
FREEZE_VERSION := v0.2.2
KREW_VERSION := v0.4.3

.PHONY: help run demo build test lint release-check release-snapshot binaries cluster bench fuzz screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

demo: ## run csrtui against the built-in demo cluster
	$(GO) run . --demo

run: ## run csrtui against the current kubeconfig context
	$(GO) run .

build: ## build ./csrtui
	$(GO) build -o csrtui .

test: ## everything CI runs: format, vet, lint, release config, unit and e2e tests on a real control plane
	bash hack/test.sh

lint: ## golangci-lint, pinned
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...

release-check: ## check .goreleaser.yaml, pinned goreleaser
	$(GO) run github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION) check

release-snapshot: ## a release of linux/amd64 only into dist/, its krew manifest validated and installed with krew
	CSRTUI_K8S_BIN=$${CSRTUI_K8S_BIN:-$$(bash hack/build-k8s.sh)} GORELEASER_VERSION=$(GORELEASER_VERSION) \
		KREW_VERSION=$(KREW_VERSION) bash hack/release-snapshot.sh

binaries: ## build (or find cached) etcd, kube-apiserver, kube-controller-manager and kubectl
	@bash hack/build-k8s.sh

cluster: ## a local control plane in the foreground, seeded with CSRs (more flags: ARGS=...); Ctrl+C stops it
	CSRTUI_K8S_BIN=$$(bash hack/build-k8s.sh) $(GO) run ./hack/cluster --seed $(ARGS)

bench: ## csrtui against kubectl get csr on 10,000 requests, and the go benchmarks: one table (about 9 min; flags: ARGS=...)
	CSRTUI_K8S_BIN=$$(bash hack/build-k8s.sh) $(GO) run ./hack/bench $(ARGS)

fuzz: ## run each fuzzer for FUZZTIME (default 1m)
	@for f in $$($(GO) test -list 'Fuzz.*' ./certs/ | grep ^Fuzz); do \
		$(GO) test ./certs/ -run='^$$' -fuzz="^$$f$$" -fuzztime=$${FUZZTIME:-1m} || exit 1; done

screenshots: ## retake the README's pictures (docs/img/*.svg) of the still demo; needs tmux
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && bash hack/screenshots.sh "$$tmp" && \
	rm -f docs/img/*.svg && for f in "$$tmp"/*.ansi; do \
		$(GO) run github.com/charmbracelet/freeze@$(FREEZE_VERSION) --language ansi --window --border.radius 8 \
			--font.ligatures=false --width 1070 -o "docs/img/$$(basename "$$f" .ansi).svg" "$$f" || exit 1; \
	done
