package cli

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mobagent/mobagent/perception/ocr/tesseract"
)

// cliArgsEnv makes the test binary run the CLI itself (the fault tests kill
// such a process with SIGKILL mid-step).
const cliArgsEnv = "MOBAGENT_TEST_CLI_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(cliArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			panic(err)
		}
		os.Exit(Main(args, System()))
	}
	code, reexeced, err := tesseract.ReexecWithThreadLimit()
	if err != nil {
		panic(err)
	}
	if reexeced {
		os.Exit(code)
	}
	os.Exit(m.Run())
}
