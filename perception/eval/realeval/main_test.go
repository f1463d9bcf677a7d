package realeval

import (
	"fmt"
	"os"
	"testing"

	"github.com/mobagent/mobagent/perception/ocr/tesseract"
)

// TestMain re-executes the test binary with OMP_THREAD_LIMIT=1 when it is
// missing (see perception/ocr/tesseract).
func TestMain(m *testing.M) {
	code, reexeced, err := tesseract.ReexecWithThreadLimit()
	if err != nil {
		fmt.Fprintf(os.Stderr, "re-executing with %s=1: %v\n", tesseract.ThreadLimitVar, err)
		os.Exit(2)
	}
	if reexeced {
		os.Exit(code)
	}
	os.Exit(m.Run())
}
