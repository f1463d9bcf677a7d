package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// A secret made of every printable ASCII character, a newline and
// non-ASCII letters, typed by `mobagent task` into the Bank's password
// field, appears in no file of the run, no output, no model request and
// no memory record, in any encoding it could take there; every run file
// stays valid JSON.
func TestSecretLeavesNoTrace(t *testing.T) {
	var b strings.Builder
	for c := byte(' '); c <= '~'; c++ {
		b.WriteByte(c)
	}
	secret := b.String() + "\nñandú 中文 Ωμέγα"
	t.Setenv(safety.SecretEnvPrefix+"BANKPW", secret)

	srv := privateADB(t)
	ph := simtest.Serve(t, srv, simtest.HalfSize)
	s := llmtest.NewServer(t)
	role := func(r string) llmtest.Matcher { return llmtest.SystemContains("You are the " + r + " ") }
	s.Reply(`{"thought":"Open the Bank app and sign in with the stored password.","subgoals":["Open Bank","Sign in"],"current":0}`).When(role("planner"), llmtest.LastUserContains("Task: Sign in"))
	s.Reply(`{"thought":"Open the Bank app.","action":{"action":"open_app","app":"Bank"},"expect":"the sign-in page","subgoal_done":true}`).When(role("decision"))
	s.Reply("```json\n{\"thought\": \"The password field is empty; type the stored secret into it and submit.\", \"action\": {\"action\": \"type\", \"element\": 6, \"secret\": \"BANKPW\", \"submit\": true}, \"expect\": \"the account page\"}\n```").
		When(role("decision"), llmtest.LastUserContains(`hint="Enter your password" empty password`))
	// The Bank's own password is not the stored one: it says so, the model
	// gives up.
	s.Reply(`{"outcome":"C","note":"The password was rejected: the page says it is incorrect."}`).When(role("reflector")).AnyTimes()
	s.Reply(`{"thought":"The stored password does not work; report it.","subgoals":["Tell the person the password was rejected"],"current":0}`).When(role("planner"), llmtest.LastUserContains("The plan needs revising")).AnyTimes()
	s.Reply(`{"thought":"The bank says the password is incorrect, so I cannot sign in.","action":{"action":"done","status":"infeasible","answer":"The stored password was rejected."}}`).
		When(role("decision"), llmtest.LastUserContains("incorrect"))
	// Memory reflects on the failed run, as a model would.
	s.Reply(`{"tips":["The Bank app rejects a wrong password with a message under the field; do not retry it."]}`).When(llmtest.LastUserContains("You review one finished run")).AnyTimes()

	dir := filepath.Join(t.TempDir(), "run")
	store := filepath.Join(t.TempDir(), "memory.db")
	args := append([]string{"task", "Sign in to the Bank app with my password", "--out", dir, "--memory", store,
		"--adb-server", srv, "--device", ph.Serial, "--confirm", "approve", "--ocr", "off", "-v"}, modelArgs(s)...)
	code, out, errOut := runCLI(t, args...)
	if code != ExitFailed {
		t.Errorf("exit %d; want %d (infeasible)\n%s", code, ExitFailed, errOut)
	}
	if sent := typedInto(t, ph); sent == 0 {
		t.Fatalf("the secret was never typed (the sim saw %d sign-in attempts)\n%s", sent, errOut)
	}

	forms := safety.Encodings(secret)
	forms = append(forms, strings.Split(secret, "\n")...)
	leak := func(where string, data []byte) {
		for _, f := range forms {
			if len(f) >= 8 && strings.Contains(string(data), f) {
				t.Errorf("%s holds the secret as %q", where, f)
				return
			}
		}
	}
	leak("stdout", []byte(out))
	leak("stderr", []byte(errOut))
	for i, req := range s.Requests() {
		leak("model request "+string(rune('0'+i)), req.Body)
	}
	mem, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	leak("the memory store", mem)
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		leak(p, data)
		switch filepath.Ext(p) {
		case ".json":
			if !json.Valid(data) {
				t.Errorf("%s is not valid JSON", p)
			}
		case ".jsonl":
			for i, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if !json.Valid([]byte(l)) {
					t.Errorf("%s line %d is not valid JSON", p, i+1)
				}
			}
		}
		return nil
	})
	if n < 5 {
		t.Errorf("only %d files in the run directory", n)
	}
}

// typedInto is how many sign-in attempts the Bank saw (a wrong password
// counts one).
func typedInto(t *testing.T, ph *simtest.Phone) int {
	t.Helper()
	res, err := ph.Device.Shell(t.Context(), "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st struct {
		Apps map[string]struct {
			FailedLogins int  `json:"failed_logins"`
			LoggedIn     bool `json:"logged_in"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		t.Fatal(err)
	}
	bank := st.Apps["com.mobagent.bank"]
	n := bank.FailedLogins
	if bank.LoggedIn {
		n++
	}
	return n
}
