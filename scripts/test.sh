#!/usr/bin/env bash
# Runs mobagent's tests: installs the system packages they use, then the
# checks CI holds every change to: go mod tidy, gofmt, go vet, staticcheck
# (a pinned version) and every package's tests under the race detector.
# Tests start private adb servers on free ports and never touch a server
# on 5037.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh --with-browser --with-ppocr
export OMP_THREAD_LIMIT=1
STATICCHECK_VERSION=v0.8.2

if ! go mod tidy -diff >/dev/null; then
  echo "go.mod/go.sum are not tidy; run: go mod tidy" >&2
  go mod tidy -diff >&2 || true
  exit 1
fi
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
gobin=$(go env GOPATH)/bin
if ! "$gobin/staticcheck" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$gobin/staticcheck" ./...
go test -race -timeout 20m ./...
# Tests that take a sample under the race detector, whole without it.
go test -timeout 10m ./bench/mobilesafety/ -run 'TestReferenceTrajectoriesAchieveTheirGoal|TestScoringEveryCategory' 
