package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/mobagent/mobagent/safety"
)

// loadPolicyFlag reads --policy FILE; "" is the built-in rules (nil). A
// policy that cannot be read or would let harmful content through is a
// usage error naming FILE:LINE:COL.
func loadPolicyFlag(path string) (*safety.Policy, error) {
	if path == "" {
		return nil, nil
	}
	pol, err := safety.LoadPolicy(path)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("--policy: %w", err))
	}
	return pol, nil
}

// policyID names a policy file's content for a benchmark run's setup
// record, so a resumed run cannot mix results of two policies: its path
// and the first 12 hex digits of its SHA-256 ("" for the built-in rules).
func policyID(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return path
	}
	sum := sha256.Sum256(b)
	return path + " sha256:" + hex.EncodeToString(sum[:])[:12]
}
